// Hand-written emulator lines that xdf's own injection can write instead: every emulated arch's
// file copies its own `qemu-<x>-static` in a line of exactly the form `qemu.mode` writes, to one
// destination. Such rows leave the template for a `qemu:` setting; whether it reproduces them
// where the files have them (after the FROM, or before the stage's first RUN) is for the proof to
// say: both places are tried.
import { archByName } from '../arches/table.js';
import type { Row } from './align.js';
import type { Lines } from './lines.js';

export interface QemuChoice {
  mode: 'copy' | 'copy-from';
  dest: string;
  place: 'after-from' | 'before-run';
  rows: Set<number>; // the rows the injection writes
}

interface FileView {
  arch: string;
  lines: Lines;
}

/** The settings that might write the files' emulator rows, most likely first. */
export function qemuChoices(
  rows: Row[],
  files: FileView[],
  emulated: Set<string>,
  host: string,
): QemuChoice[] {
  if (!emulated.size) return [];
  const hostQemu = archByName(host).qemu;
  const found = new Map<string, Set<number>>(); // mode + dest → rows
  rows.forEach((row, r) => {
    const here = files.flatMap((f, i) => (row[i] === null ? [] : [i]));
    if (here.length !== emulated.size || !here.every((i) => emulated.has(files[i].arch))) return;
    let key: string | undefined;
    for (const i of here) {
      const qemu = archByName(files[i].arch).qemu;
      const text = files[i].lines.lines[row[i]!].replace(/\r$/, '');
      const form = emulatorLine(text, qemu, hostQemu);
      if (!form || (key !== undefined && key !== form)) return;
      key = form;
    }
    if (key) found.set(key, new Set([...(found.get(key) ?? []), r]));
  });
  const choices: QemuChoice[] = [];
  for (const [key, set] of found) {
    const [mode, dest] = key.split('\u0000') as ['copy' | 'copy-from', string];
    for (const place of ['after-from', 'before-run'] as const)
      choices.push({ mode, dest, place, rows: set });
  }
  return choices;
}

/** `copy` or `copy-from` and the destination (`{{arch.qemu}}` for the arch's name), or undefined
 * when the line is not one xdf writes. */
function emulatorLine(text: string, qemu: string, hostQemu: string): string | undefined {
  const file = `qemu-${qemu}-static`;
  const generic = (dest: string) => dest.split(qemu).join('{{arch.qemu}}');
  const copy = new RegExp(`^COPY ${file} (/\\S*)$`).exec(text);
  if (copy && !/[{}]/.test(copy[1])) return `copy\u0000${generic(copy[1])}`;
  const from = new RegExp(
    `^COPY --from=multiarch/qemu-user-static:${hostQemu}-${qemu} /usr/bin/${file} (/\\S*)$`,
  ).exec(text);
  if (from && !/[{}]/.test(from[1])) return `copy-from\u0000${generic(from[1])}`;
  return undefined;
}
