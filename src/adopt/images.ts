// A base image that varies by arch as data: the rule under `images:` that maps the template's image
// (the host's) to every file's: a strategy (namespace, multiarch, or pattern with a `rewrite:`),
// with per-arch tag pins where tags differ, else per-arch `image:` pins. A rule covers every use of
// its image in every file, the unvarying ones too; when none does, the line keeps its slots.
import { archByName, type Arch } from '../arches/table.js';
import { XdfError } from '../core/errors.js';
import type { ImageRule, Pin, Strategy } from '../config/types.js';
import {
  imageKeys,
  isOfficial,
  parseImageRef,
  referenceProblem,
  shortName,
} from '../reference/reference.js';
import { mapImage } from '../transform/strategies.js';
import { explainValues } from './values.js';

/** One place an image is named: each present arch's reference, as its file writes it. */
export interface ImageUse {
  row: number;
  images: Record<string, string>; // canonical arch → reference
}

export interface RuleFound {
  key: string;
  rule: Record<string, unknown>; // as xdf.yaml writes it
  source: Record<number, string>; // row → the reference the template writes
  note: string;
}

/** The key a rule for this reference is written under (`python`, `ghcr.io/org/app`). */
export function ruleKey(text: string): string {
  const ref = parseImageRef(text);
  return isOfficial(ref) ? shortName(ref) : ref.registry ? `${ref.registry}/${ref.name}` : ref.name;
}

/** A rule that maps every use of one image for every arch, or undefined. */
export function findRule(
  key: string,
  uses: ImageUse[],
  host: string,
  from: string = host, // the arch whose reference the template writes
  schemes?: (keyof Arch)[], // the schemes an arch name in an image may be read in
): RuleFound | undefined {
  const varying = uses.filter((u) => new Set(Object.values(u.images)).size > 1);
  if (!varying.length) return undefined;
  // The template writes that arch's reference where it has the line, else the first arch's.
  const source = (u: ImageUse) => u.images[from] ?? Object.values(u.images)[0];
  for (const candidate of candidates(varying, host, source, schemes)) {
    if (uses.every((u) => reproduces(candidate, u, source(u), host)))
      return {
        key,
        rule: yamlRule(candidate),
        source: Object.fromEntries(uses.map((u) => [u.row, source(u)])),
        note: candidate.note,
      };
  }
  return undefined;
}

interface Candidate {
  strategy?: Strategy;
  rewrite?: string;
  pins: Record<string, Pin>;
  note: string;
}

function* candidates(
  varying: ImageUse[],
  host: string,
  source: (u: ImageUse) => string,
  schemes: (keyof Arch)[] | undefined,
): Generator<Candidate> {
  const first = varying[0];
  const src = parseImageRef(source(first));
  const arches = Object.keys(first.images);
  // Tag pins where the mapped name is right and only the tag differs.
  const tagPins = (name: (a: string) => string) => {
    const pins: Record<string, Pin> = {};
    for (const a of arches) {
      const ref = parseImageRef(first.images[a]);
      if (`${ref.registry ? `${ref.registry}/` : ''}${ref.name}` !== name(a) || ref.digest)
        return undefined;
      if (ref.tag !== src.tag) pins[a] = { tag: ref.tag };
    }
    return pins;
  };
  const full = (r: typeof src) => `${r.registry ? `${r.registry}/` : ''}${r.name}`;
  if (isOfficial(src)) {
    const pins = tagPins((a) => (a === host ? full(src) : `${a}/${shortName(src)}`));
    if (pins)
      yield {
        strategy: 'namespace',
        pins,
        note: `docker's arch namespaces (${example(arches, host)}/${shortName(src)})`,
      };
    yield { strategy: 'multiarch', pins: {}, note: "multiarch's images" };
  }
  const rewrite = patternOf(varying, host, source, schemes);
  if (rewrite) {
    const hostPin = hostImagePin(rewrite, first.images[host] ?? source(first), host, arches);
    if (hostPin !== null)
      yield {
        strategy: 'pattern',
        rewrite,
        pins: hostPin,
        note: 'the arch is in the image name or tag',
      };
  }
  const same = tagPins(() => full(src));
  if (same && Object.values(same).every((p) => !p.tag?.includes('$')))
    yield { pins: same, note: 'a tag per arch' };
  const images: Record<string, Pin> = {};
  for (const a of arches)
    if (first.images[a] !== source(first)) images[a] = { image: first.images[a] };
  if (Object.values(images).every((p) => !p.image!.includes('$') && !referenceProblem(p.image!)))
    yield { pins: images, note: 'a whole image per arch: no strategy explains them all' };
}

const example = (arches: string[], host: string) => arches.find((a) => a !== host) ?? host;

/** A rewrite that renders every non-host arch's reference: its arch names as `{{arch.<scheme>}}`
 * and the template's tag as `{{tag}}`. */
function patternOf(
  uses: ImageUse[],
  host: string,
  source: (u: ImageUse) => string,
  schemes: (keyof Arch)[] | undefined,
): string | undefined {
  const use = uses[0];
  const others = Object.keys(use.images).filter((a) => a !== host && use.images[a] !== source(use));
  if (!others.length) return undefined;
  const tag = parseImageRef(source(use)).tag;
  // One that renders every arch's image, the host's too (no pin for it), else the others'.
  const all = Object.keys(use.images).map((a) => ({ text: use.images[a], arch: a }));
  const explained =
    explainValues(all, schemes) ??
    explainValues(
      others.map((a) => ({ text: use.images[a], arch: a })),
      schemes,
    );
  if (!explained) return undefined;
  const withTag =
    tag && explained.includes(tag) && !tag.includes('{')
      ? explained.replace(tag, '{{tag}}')
      : explained;
  return withTag;
}

/** The host's pin when the pattern does not render its reference; null when that cannot be. */
function hostImagePin(
  rewrite: string,
  hostImage: string,
  host: string,
  arches: string[],
): Record<string, Pin> | null {
  if (!arches.includes(host)) return {};
  const rendered = tryMap({ strategy: 'pattern', rewrite, pins: {}, note: '' }, hostImage, host);
  if (rendered === hostImage) return {};
  if (hostImage.includes('$') || referenceProblem(hostImage)) return null;
  return { [host]: { image: hostImage } };
}

function reproduces(candidate: Candidate, use: ImageUse, source: string, host: string): boolean {
  return Object.entries(use.images).every(
    ([a, image]) => tryMap(candidate, source, a, host) === image,
  );
}

function tryMap(candidate: Candidate, text: string, arch: string, host = arch): string | undefined {
  const rule: ImageRule = {
    key: ruleKey(text),
    strategy: candidate.strategy,
    rewrite: candidate.rewrite,
    exclude: [],
    pins: candidate.pins,
  };
  try {
    const result = mapImage({
      text,
      arch: archByName(arch) as Arch,
      isHost: arch === host,
      rule,
      strategy: candidate.strategy ?? 'none',
      place: {},
    });
    return result.addPlatform ? undefined : result.image;
  } catch (e) {
    if (e instanceof XdfError) return undefined;
    throw e;
  }
}

function yamlRule(candidate: Candidate): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  if (candidate.strategy) rule.strategy = candidate.strategy;
  if (candidate.rewrite) rule.rewrite = candidate.rewrite;
  for (const [a, pin] of Object.entries(candidate.pins)) rule[a] = { ...pin };
  return rule;
}

export { imageKeys };
