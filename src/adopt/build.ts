// One candidate adoption as text: the template and the xdf.yaml for a set of choices (the image
// rules kept, the emulator setting), from the aligned rows. The proof decides which is written.
import path from 'node:path';
import type { Arch } from '../arches/table.js';
import type { Row } from './align.js';
import type { HostStage, ImagePlace } from './bases.js';
import { writeConfig, type ConfigModel } from './config.js';
import type { RuleFound } from './images.js';
import { lineEnding, type Lines } from './lines.js';
import { PinBook } from './pins.js';
import type { QemuChoice } from './qemu.js';
import { generaliseInline, generaliseRow, type Part, type RowOut } from './rows.js';
import type { Variant } from './slots.js';
import { assembleTemplate } from './template.js';

export interface SetFile {
  path: string; // relative to the folder adopt runs in, `/`-separated
  arch: string; // canonical
  how: string; // why that arch
  text: string;
}

/** Everything about a set that does not depend on the choices. */
export interface SetView {
  files: SetFile[];
  lines: Lines[];
  rows: Row[];
  arches: string[]; // config order
  emulated: Set<string>;
  host: string;
  template: string; // relative to the folder adopt runs in
  config: string;
  stages: HostStage[];
  schemes: (keyof Arch)[];
  places: ImagePlace[];
  extra?: ExtraArches; // arches with no file of their own (a Home Assistant build_from)
}

/** Arches that get new outputs: their name pattern and the rows they share with the original. */
export interface ExtraArches {
  arches: string[];
  name: string; // output.name for them
  rows: Map<number, Part[]>; // rows written in the template as these parts
  pins: { name: string; values: Record<string, string>; note: string }[];
  images: { key: string; rule: Record<string, unknown>; note: string }[];
}

export interface Choices {
  rules: RuleFound[];
  qemu?: QemuChoice;
  plain?: boolean; // no pins for whitespace or words some arches add, no lines grouped per arches
}

export interface Built {
  template: string;
  config: string;
}

export function build(set: SetView, choices: Choices): Built {
  const pins = new PinBook();
  const ctx = {
    pins,
    schemes: set.schemes,
    arches: set.arches,
    emulated: set.emulated,
    plain: choices.plain,
  };
  const fixed = new Map<number, RowOut>();
  for (const [r, parts] of set.extra?.rows ?? [])
    fixed.set(r, { kind: 'common', parts, keep: true });
  // A base image: the rule's source where a rule maps it, else its own slots (a pin at worst).
  for (const place of set.places) {
    const rule = choices.rules.find((r) => r.key === place.key);
    const image = rule
      ? [{ literal: rule.source[place.row] }]
      : generaliseInline(byText(place.images), ctx, place.key);
    const suffix = generaliseInline(byText(place.suffixes), ctx);
    fixed.set(place.row, {
      kind: 'common',
      parts: [{ literal: place.prefix }, ...image, ...suffix],
      keep: !!rule,
    });
  }
  const kept = set.rows.map((_, r) => r).filter((r) => !choices.qemu?.rows.has(r));
  const outs = kept.map(
    (r) => fixed.get(r) ?? generaliseRow(variantsOf(set.rows[r], set.files, set.lines), ctx),
  );
  const template = assembleTemplate(
    set.files.map((f, i) => ({ arch: f.arch, lines: set.lines[i] })),
    kept.map((r) => set.rows[r]),
    outs,
    { arches: set.arches, emulated: set.emulated, eol: lineEnding(set.lines) },
  );
  // a pin made for a line that a block then writes as each file's own is read nowhere
  const used = new Set([...template.matchAll(/\{\{pin "([^"]+)"\}\}/g)].map((m) => m[1]));
  for (const name of pins.pins.keys()) if (!used.has(name)) pins.pins.delete(name);
  return { template, config: writeConfig(configModel(set, pins, choices)) };
}

/** Per-arch texts as variants: each distinct text with its arches. */
export function byText(texts: Record<string, string>): Variant[] {
  const variants: Variant[] = [];
  for (const [arch, text] of Object.entries(texts)) {
    const same = variants.find((v) => v.text === text);
    if (same) same.arches.push(arch);
    else variants.push({ text, arches: [arch] });
  }
  return variants;
}

/** The distinct lines of a row, each with the arches whose files have it. */
export function variantsOf(row: Row, files: SetFile[], lines: Lines[]): Variant[] {
  const texts: Record<string, string> = {};
  row.forEach((at, i) => {
    if (at !== null) texts[files[i].arch] = lines[i].lines[at];
  });
  return byText(texts);
}

function configModel(set: SetView, pins: PinBook, choices: Choices): ConfigModel {
  const base = path.posix.dirname(set.template);
  const rel = (p: string) => path.posix.relative(base, p);
  const qemu = choices.qemu;
  return {
    intro: [
      `xdf adopt took over ${set.files.map((f) => f.path).join(', ')}: ` +
        `${set.files.length === 1 ? 'it is' : 'each is'} generated from ` +
        `${path.posix.basename(set.template)} now (xdf generate; xdf check in CI).`,
    ],
    template: path.posix.relative(path.posix.dirname(set.config), set.template),
    arches: set.arches,
    archNotes: set.files.map((f) => `${f.path}: ${f.arch} (${f.how})`),
    host: set.host,
    images: [
      ...(set.extra?.images ?? []),
      ...choices.rules.map((r) => ({ key: r.key, rule: r.rule, note: r.note })),
    ],
    stages: set.stages.map((s) => ({
      key: s.key,
      note: `${s.line.trim()} in every file: it runs on the build host, never emulated`,
    })),
    qemu: qemu
      ? {
          mode: qemu.mode,
          dest: qemu.dest,
          place: qemu.place,
          note:
            "the files' own emulator lines, written by xdf now " +
            (qemu.place === 'after-from' ? '(right after FROM)' : "(before the stage's first RUN)"),
        }
      : {
          mode: 'none',
          note: 'the files carry their own emulator lines, if any: kept in the template',
        },
    pins: [
      ...(set.extra?.pins ?? []),
      ...[...pins.pins].map(([name, values]) => ({ name, values: withDefault(values) })),
    ],
    output: {
      name: set.extra?.name,
      names: Object.fromEntries(set.files.map((f) => [f.arch, rel(f.path)])),
    },
  };
}

/** A value most arches share (two or more) as the pin's default, the others by arch. */
function withDefault(values: Record<string, string>): Record<string, string> {
  const count = new Map<string, number>();
  for (const v of Object.values(values)) count.set(v, (count.get(v) ?? 0) + 1);
  const [top, second] = [...count].sort((a, b) => b[1] - a[1]);
  if (!top || top[1] < 2 || (second && second[1] === top[1])) return values;
  const out: Record<string, string> = { default: top[0] };
  for (const [a, v] of Object.entries(values)) if (v !== top[0]) out[a] = v;
  return out;
}
