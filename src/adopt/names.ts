// Arch names as they appear in file names and base images, in every scheme of the table: which arch
// a name means, which names mean two arches to two tools, and which name no arch of the table.
import { ARCHES, resolveArch } from '../arches/table.js';
import { parseImageRef } from '../reference/reference.js';

// Names that mean one arch to some tools and another to others: the first reading is the default.
export const AMBIGUOUS: Record<string, string[]> = {
  armhf: ['arm32v7', 'arm32v6'], // Debian's v7; Alpine's, Raspbian's, s6-overlay's, HA's v6
  arm: ['arm32v7', 'arm32v6'], // GOARCH's arm is any 32-bit ARM
  armel: ['arm32v5', 'arm32v6'], // Debian's v5; tini's and Docker's static builds run on v6
};

// Names met in file names that the table does not give: older or looser spellings.
const EXTRA: Record<string, string> = {
  armv6: 'arm32v6',
  armv8: 'arm64v8',
  arm32: 'arm32v7',
  armhfv7: 'arm32v7',
  rpi: 'arm32v6',
};

// Architectures real projects ship that xdf's table has no row for: reported, never guessed at.
const FOREIGN = new Set([
  'loong64',
  'loongarch64',
  'mips',
  'mipsle',
  'mips64',
  'mipsel',
  'ppc64',
  'ppc',
  'powerpc',
  'riscv32',
  'armeb',
  'sparc64',
  's390',
  'x32',
  'ia64',
  'alpha',
  'hppa',
  'm68k',
  'sh4',
]);

export type NameMeaning =
  { kind: 'arch'; arch: string; ambiguous?: string[] } | { kind: 'foreign'; name: string };

/** What one name means, in any scheme: an arch (perhaps one of two), an arch xdf has no row for. */
export function meaningOf(name: string): NameMeaning | undefined {
  const key = name.toLowerCase();
  if (FOREIGN.has(key)) return { kind: 'foreign', name: key };
  if (AMBIGUOUS[key]) return { kind: 'arch', arch: AMBIGUOUS[key][0], ambiguous: AMBIGUOUS[key] };
  if (EXTRA[key]) return { kind: 'arch', arch: EXTRA[key] };
  const resolved = resolveArch(key);
  // Only names a tool writes in a path: not `linux/arm64` or `v7`.
  if (resolved && !key.includes('/') && key.length >= 3)
    return { kind: 'arch', arch: resolved.arch.name };
  return undefined;
}

/**
 * The arch name that ends a part of a file name (`Dockerfile.linux.arm64` → arm64,
 * `Dockerfile_x86_64` → x86_64): the longest run of words at the end that is an arch name, with
 * the text before it.
 */
export function trailingArchName(
  text: string,
): { stem: string; name: string; meaning: NameMeaning } | undefined {
  const parts = text.split(/([._-])/); // words and the separators between them
  for (let start = 0; start < parts.length; start += 2) {
    const name = parts.slice(start).join('');
    const meaning = meaningOf(name);
    if (meaning) return { stem: parts.slice(0, start).join(''), name, meaning };
  }
  return undefined;
}

/** Every arch name inside a text (a path, an image), longest first where names overlap. */
export function archNamesIn(text: string): { name: string; meaning: NameMeaning }[] {
  const parts = text.split(/([./:_-])/);
  const found: { name: string; meaning: NameMeaning }[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    for (let j = parts.length - 1; j >= i; j -= 2) {
      const name = parts.slice(i, j + 1).join('');
      if (/[/:]/.test(name)) continue;
      const meaning = meaningOf(name);
      if (meaning) {
        found.push({ name, meaning });
        i = j;
        break;
      }
    }
  }
  return found;
}

const CANONICAL = new Set(ARCHES.map((a) => a.name));
const column = (field: 'multiarch' | 'debian' | 'balena' | 'ha', value: string) =>
  ARCHES.find((a) => a[field] === value)?.name;
// Machines balena names its images after, not arches.
const BALENA_DEVICES: Record<string, string> = {
  'raspberry-pi': 'arm32v6',
  raspberrypi: 'arm32v6',
  rpi: 'arm32v6',
  'raspberry-pi2': 'arm32v7',
  raspberrypi2: 'arm32v7',
  raspberrypi3: 'arm32v7',
  'raspberry-pi3': 'arm32v7',
  'raspberrypi3-64': 'arm64v8',
  'raspberrypi4-64': 'arm64v8',
  armel: 'arm32v5',
};

/** The arch a base image says it is for, and how it says it; undefined when it does not say. */
export function imageArch(text: string): { arch: string; how: string } | undefined {
  if (!text || text.toLowerCase() === 'scratch') return undefined;
  const ref = parseImageRef(text);
  if (`${ref.registry}${ref.name}`.includes('$')) return undefined;
  const parts = ref.name.split('/');
  const tagPrefix = ref.tag.split('-')[0];
  const first = parts[0];
  if (!ref.registry && parts.length === 2 && CANONICAL.has(first))
    return { arch: first, how: `docker's ${first}/ namespace` };
  if (!ref.registry && parts.length === 2 && first === 'aarch64')
    return { arch: 'arm64v8', how: "docker's former aarch64/ namespace" };
  if (ref.name === 'multiarch/alpine') {
    const arch = column('multiarch', tagPrefix) ?? multiarchAlias(tagPrefix);
    if (arch) return { arch, how: `multiarch/alpine's ${tagPrefix} (Alpine's name)` };
  }
  if (/^multiarch\/(debian|ubuntu)-(debootstrap|core)$/.test(ref.name)) {
    const arch = column('debian', tagPrefix);
    if (arch) return { arch, how: `${ref.name}'s ${tagPrefix} (Debian's name)` };
  }
  if ((first === 'balenalib' || first === 'resin') && parts[1]) {
    const words = parts[1].split('-');
    for (let n = Math.min(words.length, 3); n >= 1; n--) {
      const name = words.slice(0, n).join('-');
      const arch = column('balena', name) ?? BALENA_DEVICES[name];
      if (arch) return { arch, how: `balena's ${name}` };
    }
  }
  const path = `${ref.registry}/${ref.name}`.toLowerCase();
  if (/hassio|home-?assistant/.test(path)) {
    for (const word of path.split(/[/-]/)) {
      const arch = column('ha', word);
      if (arch) return { arch, how: `Home Assistant's ${word}` };
    }
  }
  if (/raspbian|\brpi\b/.test(text))
    return { arch: 'arm32v6', how: 'a Raspberry Pi (ARMv6) image' };
  const named = archNamesIn(`${ref.name}:${ref.tag}`).filter(
    (n) => n.meaning.kind === 'arch' && !n.meaning.ambiguous,
  );
  const arches = new Set(named.map((n) => (n.meaning as { arch: string }).arch));
  if (arches.size === 1) return { arch: [...arches][0], how: `${named[0].name} in the image name` };
  return undefined;
}

function multiarchAlias(prefix: string): string | undefined {
  // multiarch/alpine also tags amd64-, i386- and arm64- (its workflow's TAG_ARCH)
  return ({ amd64: 'amd64', i386: 'i386', arm64: 'arm64v8' } as Record<string, string>)[prefix];
}
