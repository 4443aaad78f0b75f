// Which entry of a manifest list, or which image config, is the target platform (pure).
import { shown } from './shown.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export const ACCEPT = [
  MEDIA.ociIndex,
  MEDIA.dockerList,
  MEDIA.ociManifest,
  MEDIA.dockerManifest,
].join(', ');

export const isList = (mediaType: string) =>
  mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList;
export const isSingle = (mediaType: string) =>
  mediaType === MEDIA.ociManifest || mediaType === MEDIA.dockerManifest;

/** `linux/arm/v7` → { os: linux, architecture: arm, variant: v7 }. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** A platform a registry named, for a message: each part as data (see shown). */
export function shownPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant]
    .filter((part) => part !== undefined && part !== '')
    .map(shown)
    .join('/');
}

/** Same os and architecture; `arm` needs the same variant, arm64's `v8` may be absent. */
export function platformMatches(target: Platform, candidate: Partial<Platform>): boolean {
  if (candidate.os !== target.os || candidate.architecture !== target.architecture) return false;
  const want = normalVariant(target);
  const have = normalVariant(candidate as Platform);
  if (target.architecture === 'arm') return !!have && have === want;
  return !want || !have || want === have;
}

const normalVariant = (p: Platform) =>
  p.architecture === 'arm64' && p.variant === 'v8' ? undefined : p.variant;

/** A descriptor of a list, as answers.ts lets it in: a digest of the grammar, a size that is a
 * count, a platform of text. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

/** The list entry for the platform (the first one, as docker picks it), or undefined. */
export function pickEntry(
  list: { manifests?: Descriptor[] },
  target: Platform,
): Descriptor | undefined {
  return (list.manifests ?? []).find((m) => m.platform && platformMatches(target, m.platform));
}

/** The platforms a list offers, for an error; attestations (`unknown/unknown`) left out. */
export function listPlatforms(list: { manifests?: Descriptor[] }): string[] {
  const names = (list.manifests ?? [])
    .filter((m) => m.platform?.os && m.platform.os !== 'unknown')
    .map((m) => shownPlatform(m.platform as Platform));
  return [...new Set(names)];
}
