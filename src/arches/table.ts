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
  // Download vocabularies: each project's own name for the arch in its release files (README,
  // "Download vocabularies", cites each source); empty: the project publishes no build for it.
  godist: string;
  node: string;
  rust: string;
  rustmusl: string;
  dotnet: string;
  dotnetmusl: string;
  s6: string;
  s6v2: string;
  tini: string;
  dockerstatic: string;
  ha: string;
  balena: string;
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

/** The download vocabularies, a second table: `{{arch.node}}`, `{{arch.rust}}`, … */
export const DOWNLOAD_FIELDS = [
  'godist',
  'node',
  'rust',
  'rustmusl',
  'dotnet',
  'dotnetmusl',
  's6',
  's6v2',
  'tini',
  'dockerstatic',
  'ha',
  'balena',
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

// One row per arch, in ROWS' order; `-` is no build. .NET's and Rust's names have their own maps.
const DOWNLOADS = `
amd64    amd64    x64     x86_64      amd64   amd64    x86_64   amd64   amd64
i386     386      x86     i686        x86     i386     -        i386    i386
arm32v5  -        -       -           -       armel    -        -       armv5e
arm32v6  armv6l   armv6l  armhf       armhf   armel    armel    armhf   rpi
arm32v7  armv6l   armv7l  arm         arm     armhf    armhf    armv7   armv7hf
arm64v8  arm64    arm64   aarch64     aarch64 arm64    aarch64  aarch64 aarch64
ppc64le  ppc64le  ppc64le powerpc64le ppc64le ppc64le  ppc64le  -       -
s390x    s390x    s390x   s390x       -       s390x    s390x    -       -
riscv64  riscv64  riscv64 riscv64     -       -        -        -       -
mips64le mips64le -       -           -       mips64el -        -       -
`;
const DOWNLOAD_COLUMNS = ['godist', 'node', 's6', 's6v2', 'tini', 'dockerstatic', 'ha', 'balena'];
// .NET runtime identifiers, glibc and musl; Rust target triples, glibc and musl.
const DOTNET: Record<string, [string, string]> = {
  amd64: ['linux-x64', 'linux-musl-x64'],
  i386: ['linux-x86', 'linux-musl-x86'],
  arm32v5: ['', ''],
  arm32v6: ['linux-armv6', ''],
  arm32v7: ['linux-arm', 'linux-musl-arm'],
  arm64v8: ['linux-arm64', 'linux-musl-arm64'],
  ppc64le: ['linux-ppc64le', 'linux-musl-ppc64le'],
  s390x: ['linux-s390x', 'linux-musl-s390x'],
  riscv64: ['', ''],
  mips64le: ['', ''],
};
const RUST: Record<string, [string, string]> = {
  amd64: ['x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'],
  i386: ['i686-unknown-linux-gnu', 'i686-unknown-linux-musl'],
  arm32v5: ['armv5te-unknown-linux-gnueabi', 'armv5te-unknown-linux-musleabi'],
  arm32v6: ['arm-unknown-linux-gnueabihf', 'arm-unknown-linux-musleabihf'],
  arm32v7: ['armv7-unknown-linux-gnueabihf', 'armv7-unknown-linux-musleabihf'],
  arm64v8: ['aarch64-unknown-linux-gnu', 'aarch64-unknown-linux-musl'],
  ppc64le: ['powerpc64le-unknown-linux-gnu', 'powerpc64le-unknown-linux-musl'],
  s390x: ['s390x-unknown-linux-gnu', 's390x-unknown-linux-musl'],
  riscv64: ['riscv64gc-unknown-linux-gnu', 'riscv64gc-unknown-linux-musl'],
  mips64le: ['mips64el-unknown-linux-gnuabi64', 'mips64el-unknown-linux-muslabi64'],
};

const cellsOf = (line: string) =>
  line
    .trim()
    .split(/\s+/)
    .map((c) => (c === '-' ? '' : c));
const downloads = new Map(
  DOWNLOADS.trim()
    .split('\n')
    .map((line) => {
      const [name, ...cells] = cellsOf(line);
      return [name, Object.fromEntries(DOWNLOAD_COLUMNS.map((col, i) => [col, cells[i]]))];
    }),
);

export const ARCHES: readonly Arch[] = ROWS.trim()
  .split('\n')
  .map((line) => {
    const cells = cellsOf(line);
    const naming = Object.fromEntries(COLUMNS.map((col, i) => [col, cells[i]]));
    const [rust, rustmusl] = RUST[naming.name];
    const [dotnet, dotnetmusl] = DOTNET[naming.name];
    const row: Record<string, string> = {
      ...naming,
      ...downloads.get(naming.name),
      rust,
      rustmusl,
      dotnet,
      dotnetmusl,
    };
    return Object.freeze(
      Object.fromEntries([...COLUMNS, ...DOWNLOAD_FIELDS].map((col) => [col, row[col]])),
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
  // The download vocabularies' names too (x64, armv7hf, rpi, linux-arm64, …); a name another
  // column already gave to an arch keeps it (armel stays arm32v5, armv6l arm32v6).
  for (const a of ARCHES) for (const field of DOWNLOAD_FIELDS) add(a[field], a.name);
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
