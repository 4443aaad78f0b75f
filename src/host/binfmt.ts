// Reads the kernel's binfmt_misc table (or a fake tree of it, for tests) through the one reader.
import path from 'node:path';
import { ARCHES, type Arch } from '../arches/table.js';
import { listNames, readText } from '../fs/read.js';

const ENTRY_LIMIT = 64 * 1024; // an entry is a few lines

/** An entry's text, or undefined when it cannot be read as one (not a file, gone, too large). */
function readEntry(file: string): string | undefined {
  try {
    return readText(file, { kind: 'binfmt_misc entry', limit: ENTRY_LIMIT });
  } catch {
    return undefined;
  }
}

export interface BinfmtHandler {
  name: string; // the entry's file name: qemu-aarch64
  enabled: boolean;
  interpreter: string;
  flags: string; // e.g. "PF", "OCF"
  magic: string; // hex
  arch?: string; // the canonical arch it runs, when known
}

export interface BinfmtState {
  dir: string;
  mounted: boolean; // the folder has a `status` file
  enabled: boolean;
  handlers: BinfmtHandler[];
}

export function readBinfmt(dir: string): BinfmtState {
  const status = readEntry(path.join(dir, 'status'))?.trim();
  if (status === undefined) return { dir, mounted: false, enabled: false, handlers: [] };
  const handlers: BinfmtHandler[] = [];
  for (const name of listNames(dir)) {
    if (name === 'status' || name === 'register') continue;
    const text = readEntry(path.join(dir, name));
    if (text !== undefined) handlers.push(parseHandler(name, text));
  }
  return { dir, mounted: true, enabled: status === 'enabled', handlers };
}

export function parseHandler(name: string, text: string): BinfmtHandler {
  const lines = text.split('\n').map((l) => l.trim());
  const field = (key: string) =>
    lines
      .find((l) => l.startsWith(`${key} `) || l.startsWith(`${key}:`))
      ?.replace(new RegExp(`^${key}:?\\s*`), '') ?? '';
  const handler: BinfmtHandler = {
    name,
    enabled: lines[0] === 'enabled',
    interpreter: field('interpreter'),
    flags: field('flags'),
    magic: field('magic'),
  };
  handler.arch = archOfHandler(handler)?.name;
  return handler;
}

// ELF e_machine values with class (1: 32-bit, 2: 64-bit) and data (1: little, 2: big endian).
const ELF_MACHINES: { machine: number; elfClass: number; data: number; arch: string }[] = [
  { machine: 0x3e, elfClass: 2, data: 1, arch: 'amd64' },
  { machine: 0x03, elfClass: 1, data: 1, arch: 'i386' },
  { machine: 0x28, elfClass: 1, data: 1, arch: 'arm32v7' },
  { machine: 0xb7, elfClass: 2, data: 1, arch: 'arm64v8' },
  { machine: 0x15, elfClass: 2, data: 1, arch: 'ppc64le' },
  { machine: 0x16, elfClass: 2, data: 2, arch: 's390x' },
  { machine: 0xf3, elfClass: 2, data: 1, arch: 'riscv64' },
  { machine: 0x08, elfClass: 2, data: 1, arch: 'mips64le' },
];

/** The arch a handler runs: by its conventional name (qemu-aarch64), else by the ELF header it
 * matches. */
export function archOfHandler(handler: Pick<BinfmtHandler, 'name' | 'magic'>): Arch | undefined {
  const byName = ARCHES.find((a) => handler.name === `qemu-${a.qemu}`);
  if (byName)
    return byName.name === 'arm32v5' || byName.name === 'arm32v6'
      ? ARCHES.find((a) => a.name === 'arm32v7')
      : byName;
  const bytes = handler.magic.match(/../g)?.map((b) => parseInt(b, 16)) ?? [];
  if (bytes.length < 20 || bytes[0] !== 0x7f || bytes[1] !== 0x45) return undefined;
  const [elfClass, data] = [bytes[4], bytes[5]];
  const machine = data === 2 ? bytes[18] * 256 + bytes[19] : bytes[18] + bytes[19] * 256;
  const hit = ELF_MACHINES.find(
    (m) => m.machine === machine && m.elfClass === elfClass && m.data === data,
  );
  return hit && ARCHES.find((a) => a.name === hit.arch);
}

/** The handler that runs an arch's binaries (arm32v5/v6/v7 share qemu-arm). */
export function handlerFor(state: BinfmtState, arch: Arch): BinfmtHandler | undefined {
  return (
    state.handlers.find((h) => h.name === `qemu-${arch.qemu}`) ??
    state.handlers.find((h) => h.arch && ARCHES.find((a) => a.name === h.arch)?.qemu === arch.qemu)
  );
}
