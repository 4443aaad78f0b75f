// A slot explained by an arch's name in one scheme of the table: each variant's value is the name
// of its own arches in that scheme (`x86_64`, `aarch64`, `armv7` → `{{arch.alpine}}`). A value may
// sit inside a longer name the variants share (`linux-x64` around `x64` → `{{arch.dotnet}}`).
import { ARCH_FIELDS, DOWNLOAD_FIELDS, archByName, type Arch } from '../arches/table.js';
import type { Slot, Variant } from './slots.js';

export interface Explained {
  field: keyof Arch; // `name` is written `{{arch}}`
  left: number; // characters of shared text before the slot that the name takes in
  right: number; // and after it
}

// The order ties are broken in: the canonical name, then the schemes people write most, then the
// download vocabularies; a word near the slot that names a scheme's project comes first.
export const ORDER: (keyof Arch)[] = [
  'name',
  'arch',
  'debian',
  'alpine',
  'uname',
  'qemu',
  'platform',
  ...DOWNLOAD_FIELDS,
  'multiarch',
  'variant',
  'goarm',
];
const HINTS: [RegExp, keyof Arch][] = [
  [/s6-overlay|overlay_arch|s6_arch/i, 's6v2'],
  [/s6-overlay.*\.tar\.xz|s6_overlay/i, 's6'],
  [/\btini\b/i, 'tini'],
  [/nodejs|node-v|\bnode\b/i, 'node'],
  [/golang\.org|go\.dev|\bgo\d/i, 'godist'],
  [/unknown-linux|rustup|cargo|rustc/i, 'rust'],
  [/dotnet|\blinux-(x64|arm|musl)/i, 'dotnet'],
  [/download\.docker\.com\/linux\/static/i, 'dockerstatic'],
  [/balenalib|resin\//i, 'balena'],
  [/hassio|home-?assistant/i, 'ha'],
  [/qemu-/i, 'qemu'],
  [/\bapk\b|alpine/i, 'alpine'],
  [/\bapt|dpkg|\.deb\b|debian|ubuntu/i, 'debian'],
  [/goarch|release\/linux/i, 'arch'],
];

// A download vocabulary is read only in a project that uses that project: its names (armel, arm,
// x86) are too common to be taken for an arch's anywhere else.
const PROJECTS: [RegExp, (keyof Arch)[]][] = [
  [/golang|\bgo\d+\.\d+|go\.dev|dl\.google\.com\/go/i, ['godist']],
  [/\bnode(js)?\b|\bnpm\b/i, ['node']],
  [/\brust|cargo/i, ['rust', 'rustmusl']],
  [/dotnet|\.net\b/i, ['dotnet', 'dotnetmusl']],
  [/s6-overlay|s6_overlay|overlay_arch/i, ['s6', 's6v2']],
  [/\btini\b/i, ['tini']],
  [/download\.docker\.com|\bdocker-\$?\{?\w*\}?\.tgz/i, ['dockerstatic']],
  [/hassio|home-?assistant|build_arch|build_from/i, ['ha']],
  [/balena|resin/i, ['balena']],
];

/** The schemes a set's slots may be read in: the naming schemes, and the download vocabularies of
 * the projects the set's files use. */
export function schemesFor(setText: string): (keyof Arch)[] {
  const used = new Set(PROJECTS.filter(([re]) => re.test(setText)).flatMap(([, f]) => f));
  return ORDER.filter((f) => !(DOWNLOAD_FIELDS as readonly string[]).includes(f) || used.has(f));
}

/** The scheme that names every variant's arches in the slot, or undefined. */
export function explainSlot(
  variants: Variant[],
  slot: Slot,
  allowed: (keyof Arch)[] = ORDER,
): Explained | undefined {
  const fields = orderedFields(variants.map((v) => v.text).join('\n'), allowed);
  for (const field of fields) {
    const found = fits(variants, slot, field);
    if (found) return found;
  }
  return undefined;
}

/** The allowed schemes, those a word of the context names first. */
export function orderedFields(context: string, allowed: (keyof Arch)[]): (keyof Arch)[] {
  const hinted = HINTS.filter(([re]) => re.test(context)).map(([, field]) => field);
  return [...new Set([...hinted, ...ORDER])].filter((f) => allowed.includes(f));
}

function fits(variants: Variant[], slot: Slot, field: keyof Arch): Explained | undefined {
  // Every arch of a variant must have the same, non-empty name in the scheme.
  const names: string[] = [];
  for (const v of variants) {
    const values = new Set(v.arches.map((a) => archByName(a)[field]));
    if (values.size !== 1) return undefined;
    const [name] = values;
    if (!name) return undefined;
    names.push(name);
  }
  // Where the first variant's name covers its slot, the others' must cover theirs the same way.
  const first = variants[0].text;
  const s0 = slot.start[0];
  const e0 = slot.end[0];
  for (let at = first.indexOf(names[0]); at !== -1; at = first.indexOf(names[0], at + 1)) {
    if (at > s0 || at + names[0].length < e0) continue;
    const left = s0 - at;
    const right = at + names[0].length - e0;
    const all = variants.every((v, i) => {
      const from = slot.start[i] - left;
      return from >= 0 && v.text.slice(from, slot.end[i] + right) === names[i];
    });
    if (all) return { field, left, right };
  }
  return undefined;
}

/** `{{arch}}` for the canonical name, else `{{arch.<field>}}`. */
export const schemeTag = (field: keyof Arch) =>
  field === 'name' ? '{{arch}}' : `{{arch.${field}}}`;

export const ALL_FIELDS = [...ARCH_FIELDS, ...DOWNLOAD_FIELDS];
