// A Home Assistant add-on: one Dockerfile whose `ARG BUILD_FROM` the add-on's build.yaml (or
// build.json) fills per arch from its `build_from` map, keyed by Home Assistant's arch names
// (`armhf` is ARMv6 there). Adopted, the Dockerfile stays the output of the arch whose image is its
// default, and every other arch gets a Dockerfile of its own with its image as the default.
import { ARCHES } from '../arches/table.js';
import { fail } from '../core/errors.js';
import { readYaml } from '../core/yaml.js';
import type { ExtraArches, SetFile } from './build.js';
import { findRule, ruleKey } from './images.js';
import { schemesFor } from './schemes.js';
import type { Lines } from './lines.js';

export interface BuildFrom {
  file: string; // as shown
  images: Record<string, string>; // canonical arch → image
}

/** `build_from` of a build.yaml / build.json, by canonical arch; other keys are the builder's. */
export function readBuildFrom(file: string, shown: string, text: string): BuildFrom | undefined {
  const { data } = readYaml(file, text);
  const map = (data as { build_from?: unknown })?.build_from;
  if (!map || typeof map !== 'object') return undefined;
  const images: Record<string, string> = {};
  for (const [name, image] of Object.entries(map as Record<string, unknown>)) {
    const arch = ARCHES.find((a) => a.ha === name)?.name;
    if (!arch || typeof image !== 'string')
      fail(
        'XDF001',
        `${shown}: build_from names "${name}", which is no Home Assistant arch`,
        `Home Assistant's arch names are ${ARCHES.filter((a) => a.ha)
          .map((a) => a.ha)
          .join(', ')}`,
        { file },
      );
    images[arch] = image;
  }
  return { file: shown, images };
}

const BUILD_FROM = /^(\s*ARG\s+BUILD_FROM)(?:=(["']?)([^\s"']*)\2)?(\s*)$/i;

/** The arch whose image is the Dockerfile's own default (else the host's, else the first). */
export function originalArch(text: string, bf: BuildFrom, host: string): string {
  for (const line of text.split('\n')) {
    const m = BUILD_FROM.exec(line.replace(/\r$/, ''));
    if (m?.[3]) {
      const arch = Object.keys(bf.images).find((a) => bf.images[a] === m[3]);
      if (arch) return arch;
    }
  }
  return bf.images[host] ? host : Object.keys(bf.images)[0];
}

/** The other arches of the map, with the rule (or pin) that gives each its image. */
export function buildFromArches(
  bf: BuildFrom,
  file: SetFile,
  lines: Lines,
  host: string,
): ExtraArches {
  const arches = Object.keys(bf.images).filter((a) => a !== file.arch);
  const base = file.path.split('/').pop()!;
  const extra: ExtraArches = {
    arches,
    name: `${base}.{{arch.ha}}`,
    rows: new Map(),
    pins: [],
    images: [],
  };
  // `ARG BUILD_ARCH=<its own arch>`: each arch's file gets its own name (the builder passes it).
  const own = ARCHES.find((a) => a.name === file.arch)?.ha;
  lines.lines.forEach((l, i) => {
    const arch = /^(\s*ARG\s+BUILD_ARCH=)(["']?)([^\s"']+)\2(\s*\r?)$/i.exec(l);
    if (arch && own && arch[3] === own)
      extra.rows.set(i, [
        { literal: arch[1] + arch[2] },
        { tag: '{{arch.ha}}' },
        { literal: arch[2] + arch[4] },
      ]);
  });
  const at = lines.lines.findIndex((l) => BUILD_FROM.test(l.replace(/\r$/, '')));
  if (at === -1 || !arches.length) return extra;
  const line = lines.lines[at];
  const eol = line.endsWith('\r') ? '\r' : '';
  const m = BUILD_FROM.exec(line.replace(/\r$/, ''))!;
  const note = `${bf.file}'s build_from`;
  if (m[3]) {
    const key = ruleKey(m[3]);
    const images = { ...bf.images, [file.arch]: m[3] };
    const schemes = schemesFor(`${file.text}\n${Object.values(images).join('\n')}`);
    const rule = findRule(key, [{ row: at, images }], host, file.arch, schemes);
    if (rule) {
      extra.images.push({ key, rule: rule.rule, note });
      return extra;
    }
    extra.pins.push({ name: 'build_from', values: images, note });
    extra.rows.set(at, [
      { literal: `${m[1]}=${m[2] ?? ''}` },
      { tag: '{{pin "build_from"}}' },
      { literal: `${m[2] ?? ''}${m[4]}${eol}` },
    ]);
    return extra;
  }
  const others = Object.fromEntries(arches.map((a) => [a, bf.images[a]]));
  extra.pins.push({
    name: 'build_from',
    values: others,
    note: `${note} (the Dockerfile has no default)`,
  });
  extra.rows.set(at, [
    { literal: m[1] },
    { tag: `{{#arch ${arches.map((a) => JSON.stringify(a)).join(' ')}}}` },
    { literal: '=' },
    { tag: '{{pin "build_from"}}' },
    { tag: '{{/arch}}' },
    { literal: `${m[4]}${eol}` },
  ]);
  return extra;
}
