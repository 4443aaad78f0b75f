// The one table of architecture names across every naming scheme (ARCHES.md).
import { closestName } from '../core/closest.js';
import { InternalError } from '../core/errors.js';
export interface Arch {
  name: string;
  platform: string;
  os: string;
  arch: string;
  variant: string;
  goarm: string;
  uname: string;
  debian: string;
  alpine: string;
  qemu: string;
  multiarch: string;
}

const COLUMNS = [
  'name',
  'platform',
  'os',
  'arch',
  'variant',
  'goarm',
  'uname',
  'debian',
  'alpine',
  'qemu',
  'multiarch',
] as const;

const ROWS = `
amd64    linux/amd64    linux amd64    -  - x86_64  amd64    x86_64  x86_64   x86_64
i386     linux/386      linux 386      -  - i686    i386     x86     i386     x86
arm32v5  linux/arm/v5   linux arm      v5 5 armv5l  armel    -       arm      -
arm32v6  linux/arm/v6   linux arm      v6 6 armv6l  -        armhf   arm      armhf
arm32v7  linux/arm/v7   linux arm      v7 7 armv7l  armhf    armv7   arm      armv7
arm64v8  linux/arm64    linux arm64    v8 - aarch64 arm64    aarch64 aarch64  aarch64
ppc64le  linux/ppc64le  linux ppc64le  -  - ppc64le ppc64el  ppc64le ppc64le  ppc64le
s390x    linux/s390x    linux s390x    -  - s390x   s390x    s390x   s390x    s390x
riscv64  linux/riscv64  linux riscv64  -  - riscv64 riscv64  riscv64 riscv64  -
mips64le linux/mips64le linux mips64le -  - mips64  mips64el -       mips64el -
`;

export const ARCHES: readonly Arch[] = ROWS.trim()
  .split('\n')
  .map((line) => {
    const cells = line
      .trim()
      .split(/\s+/)
      .map((c) => (c === '-' ? '' : c));
    return Object.freeze(
      Object.fromEntries(COLUMNS.map((col, i) => [col, cells[i]])),
    ) as unknown as Arch;
  });

export const ARCH_FIELDS = COLUMNS;

const BY_NAME = new Map(ARCHES.map((a) => [a.name, a]));

// Aliases that mean different arches to different tools: resolved the Debian way, and said so.
const AMBIGUOUS: Record<string, string> = { armhf: 'arm32v7', armel: 'arm32v5' };

const ALIASES: Map<string, string> = (() => {
  const m = new Map<string, string>();
  const add = (alias: string, name: string) => {
    if (alias && !m.has(alias.toLowerCase())) m.set(alias.toLowerCase(), name);
  };
  for (const a of ARCHES) add(a.name, a.name);
  for (const a of ARCHES) add(a.platform, a.name);
  for (const [alias, name] of Object.entries(AMBIGUOUS)) add(alias, name);
  add('linux/arm64/v8', 'arm64v8');
  add('arm64/v8', 'arm64v8');
  add('arm', 'arm32v7');
  add('linux/arm', 'arm32v7');
  add('x86_64', 'amd64');
  add('x86-64', 'amd64');
  add('386', 'i386');
  add('x86', 'i386');
  add('i686', 'i386');
  for (const a of ARCHES) {
    add(a.platform.replace(/^linux\//, ''), a.name);
    for (const field of ['uname', 'debian', 'alpine', 'multiarch'] as const) add(a[field], a.name);
  }
  return m;
})();

export interface ResolvedArch {
  arch: Arch;
  ambiguous?: string;
}

/** Map a name in any scheme (`aarch64`, `linux/arm/v7`, `armhf`) to its arch record, or undefined.
 * */
export function resolveArch(name: string): ResolvedArch | undefined {
  const key = name.trim().toLowerCase();
  const canonical = ALIASES.get(key);
  if (!canonical) return undefined;
  const arch = BY_NAME.get(canonical)!;
  return AMBIGUOUS[key] ? { arch, ambiguous: key } : { arch };
}

export function archByName(name: string): Arch {
  const a = BY_NAME.get(name);
  if (!a) throw new InternalError(`not a canonical arch: ${name}`);
  return a;
}

export const ARCH_NAMES = ARCHES.map((a) => a.name);

// Node's names for the machine it runs on (process.arch).
const NODE_ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: 'i386',
  arm: 'arm32v7',
  arm64: 'arm64v8',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64el: 'mips64le',
};

/** The canonical name of the machine xdf runs on, when the table knows it. */
export function machineArch(nodeArch: string = process.arch): string | undefined {
  return NODE_ARCH[nodeArch];
}

/** The known name (any scheme) closest to a misspelt one; undefined when none is close. */
export const closestArchName = (name: string): string | undefined =>
  closestName(name, ALIASES.keys());

/** Runs under QEMU: not the host, not a native runner, not i386 on an amd64 host. */
export function isEmulated(target: Arch, host: Arch, native: Record<string, unknown>): boolean {
  if (target.name === host.name || native[target.name]) return false;
  return !(target.name === 'i386' && host.name === 'amd64'); // an x86-64 kernel runs i386 directly
}
