// FROM strategies (the README's "FROM strategies"): how one image reference becomes its per-arch
// form. Pure.
import type { Arch } from '../arches/table.js';
import {
  formatImageRef,
  imageKeys,
  isOfficial,
  parseImageRef,
  referenceProblem,
  shortName,
  type ImageRef,
} from '../reference/reference.js';
import { renderSnippet } from '../template/render.js';
import type { ImageRule, Pin, Strategy } from '../config/types.js';
import { XdfError, type Code, type Place } from '../core/errors.js';

export interface MapRequest {
  text: string; // the reference as written (a literal: variables only inside the tag or digest)
  arch: Arch;
  isHost: boolean; // the target equals the host: images stay, only pins and pattern apply
  rule: ImageRule | undefined;
  strategy: Strategy; // the rule's strategy, else the config's
  place: Place; // where the reference is, for errors
  configFile?: string;
  locate?: (dotPath: string, at?: 'key' | 'value') => { line: number; column: number } | undefined;
}

export interface MapResult {
  image: string;
  addPlatform: boolean; // the `platform` strategy: the FROM gets --platform=<arch.platform>
  note?: string; // a pin with a reason, for the header
}

/** Pick the rule for an image: an exact key beats a glob, a longer glob beats a shorter one. */
export function findRule(rules: ImageRule[], ref: ImageRef): ImageRule | undefined {
  const keys = imageKeys(ref);
  const exact = rules.find((r) => keys.includes(r.key));
  if (exact) return exact;
  let best: ImageRule | undefined;
  for (const rule of rules) {
    if (!rule.key.includes('*') && !rule.key.includes('?')) continue;
    if (keys.some((k) => globMatches(rule.key, k)) && (!best || rule.key.length > best.key.length))
      best = rule;
  }
  return best;
}

/**
 * `*` any text, `?` one character, the rest itself. Not a regular expression: `.*a.*a.*b` tries
 * every split of the text, and a key of 25 stars took minutes; here a star is only ever re-tried
 * from the last one seen, at most key × text steps.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1; // the glob position after the last `*`
  let from = 0; // where the text resumes when that star takes one more character
  while (t < text.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === text[t]))) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      star = ++g;
      from = t;
    } else if (star !== -1) {
      g = star;
      t = ++from;
    } else return false;
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

export function mapImage(req: MapRequest): MapResult {
  const source = parseImageRef(req.text);
  const pin: Pin | undefined = req.rule?.pins[req.arch.name];
  const ref: ImageRef = {
    ...source,
    tag: pin?.tag ?? source.tag,
    digest: pin?.digest ?? source.digest,
  };
  const note = pin?.reason ? pinNote(req.rule!.key, pin, req.arch) : undefined;
  const keep = (image: ImageRef) => ({ image: formatImageRef(image), addPlatform: false, note });
  // A whole reference pinned for this arch (the host too) is the answer: no strategy applies.
  if (pin?.image) {
    const image = pin.digest && !pin.image.includes('@') ? `${pin.image}@${pin.digest}` : pin.image;
    return { image, addPlatform: false, note };
  }

  if (req.strategy === 'pattern')
    return { image: renderPattern(req, ref), addPlatform: false, note };
  if (req.isHost || req.strategy === 'none') return keep(ref);
  if (req.strategy === 'platform') return { image: formatImageRef(ref), addPlatform: true, note };
  if (ref.digest && !pin?.digest) {
    throw problem(
      req,
      'XDF041',
      `${req.text} is pinned by digest, which names one platform's image: the ${req.strategy} ` +
        `strategy cannot map it for ${req.arch.name}`,
      `pin a digest per arch (images: { "${ruleKey(req, source)}": { ${req.arch.name}: { ` +
        `digest: "sha256:…" } } }) or use strategy: platform`,
    );
  }
  if (req.strategy === 'namespace') return keep(mapNamespace(req, ref));
  return keep(mapMultiarch(req, ref));
}

function mapNamespace(req: MapRequest, ref: ImageRef): ImageRef {
  if (!isOfficial(ref)) {
    throw problem(
      req,
      'XDF040',
      `${req.text} is not an official image: the namespace strategy cannot map it for ` +
        `${req.arch.name}`,
      `choose a strategy for it in xdf.yaml: images: { "${ruleKey(req, ref)}": { strategy: ` +
        `platform } } (or pattern with a rewrite:, or none)`,
    );
  }
  return { ...ref, name: `${req.arch.name}/${shortName(ref)}` };
}

function mapMultiarch(req: MapRequest, ref: ImageRef): ImageRef {
  const name = isOfficial(ref) ? shortName(ref) : '';
  if (name === 'alpine') {
    const prefix = req.arch.multiarch;
    if (!prefix) throw noPrefix(req, 'multiarch/alpine');
    const tag =
      !ref.tag || ref.tag === 'latest'
        ? 'latest-stable'
        : ref.tag === 'edge'
          ? 'edge'
          : `v${ref.tag.replace(/^v/, '')}`;
    return { ...ref, name: 'multiarch/alpine', tag: `${prefix}-${tag}` };
  }
  if (name === 'debian' || name === 'ubuntu') {
    const prefix = req.arch.debian;
    if (!prefix) throw noPrefix(req, `multiarch/${name}-debootstrap`);
    if (!ref.tag || ref.tag === 'latest') {
      throw problem(
        req,
        'XDF042',
        `${req.text} names no suite: multiarch/${name}-debootstrap has only per-suite tags`,
        `name the suite in the template (${name}:bookworm) or pin a tag: images: { ${name}: { ` +
          `${req.arch.name}: { tag: "<suite>" } } }`,
      );
    }
    return { ...ref, name: `multiarch/${name}-debootstrap`, tag: `${prefix}-${ref.tag}` };
  }
  throw problem(
    req,
    'XDF040',
    `${req.text}: the multiarch strategy maps only alpine, debian and ubuntu`,
    `choose another strategy for it in xdf.yaml: images: { "${ruleKey(req, ref)}": { strategy: ` +
      `namespace } } (or platform, pattern, none)`,
  );
}

function renderPattern(req: MapRequest, ref: ImageRef): string {
  const rewrite = req.rule?.rewrite;
  if (!rewrite)
    throw problem(
      req,
      'XDF045',
      `${req.text} uses the pattern strategy without a rewrite`,
      `add rewrite: "myorg/base:{{tag}}-{{arch}}" to its entry under images:`,
    );
  const key = `images.${req.rule!.key}.rewrite`;
  const image = renderSnippet(
    rewrite,
    {
      registry: ref.registry,
      name: ref.name,
      tag: ref.tag || 'latest',
      digest: ref.digest,
      arch: req.arch,
    },
    { key, file: req.configFile },
  );
  const wrong = referenceProblem(image);
  if (wrong) {
    throw new XdfError({
      code: 'XDF013',
      message:
        `${key} renders ${req.text} for ${req.arch.name} as ${JSON.stringify(image)}: ` +
        `${wrong}`,
      hint: 'the rewrite must yield an image reference: myorg/base:{{tag}}-{{arch}}',
      ...(req.configFile ? { file: req.configFile, ...req.locate?.(key, 'value') } : req.place),
    });
  }
  return image;
}

function noPrefix(req: MapRequest, image: string): XdfError {
  return problem(
    req,
    'XDF043',
    `${image} has no image for ${req.arch.name}`,
    `use another strategy for this image (images: { "${ruleKey(req, parseImageRef(req.text))}": ` +
      `{ strategy: platform } }) or exclude ${req.arch.name} for it`,
  );
}

const ruleKey = (req: MapRequest, ref: ImageRef) =>
  req.rule?.key ??
  (isOfficial(ref) ? shortName(ref) : ref.registry ? `${ref.registry}/${ref.name}` : ref.name);

const problem = (req: MapRequest, code: Code, message: string, hint: string) =>
  new XdfError({ code, message, hint, ...req.place });

/** `golang 1.10-alpine3.7 (newer Go crashes under QEMU)`: what the header says about a pin. */
function pinNote(key: string, pin: Pin, arch: Arch): string {
  const value = pin.image ?? [pin.tag, pin.digest && `@${pin.digest}`].filter(Boolean).join('');
  return `# xdf pin for ${arch.name}: ${key} ${value} (${pin.reason})`;
}
