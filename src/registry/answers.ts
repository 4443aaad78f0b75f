// What a registry answers, validated at the boundary before any use (docs/architecture.md,
// "Validated at the boundary"; pure): a manifest, list or image config must fit its schema, every
// digest the OCI grammar, and text shown from it is data. Nothing a registry sends reaches
// xdf.lock, a URL or a message otherwise.
import crypto from 'node:crypto';
import { isDigest } from '../reference/reference.js';
import { isList, isSingle, type Descriptor, type Platform } from './platform.js';
import { shown } from './shown.js';

export type Manifest =
  | { kind: 'list'; mediaType: string; manifests: Descriptor[] }
  | { kind: 'single'; mediaType: string; config: Descriptor }
  | { kind: 'other'; mediaType: string }; // a known JSON, but not an image (a chart, an artifact)

/** The registry answered something that is not what it must be: says what, the value as data. */
export class AnswerError extends Error {}

/** A digest the registry named (a header, a list entry, a config): the grammar, or refused. */
export function checkDigest(value: unknown): string {
  if (!isDigest(value)) throw new AnswerError(`answered a digest that is not one: ${shown(value)}`);
  return value;
}

/** Bytes are what their digest says (sha256 or sha512, as the digest names it). */
export function digestMatches(digest: string, body: Buffer): boolean {
  const [algorithm, hex] = digest.split(':');
  return crypto.createHash(algorithm).update(body).digest('hex') === hex;
}

/** `sha256:` of the bytes: a list's own digest when the registry named none. */
export const sha256Of = (body: Buffer) =>
  `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;

/** A manifest or list, its media type from the body, else from the Content-Type header. */
export function readManifest(body: Buffer, contentType: string | null): Manifest {
  const json = parseObject(body, 'a manifest');
  if (json.mediaType !== undefined && typeof json.mediaType !== 'string')
    throw new AnswerError(
      `answered a manifest whose mediaType is not text: ${shown(json.mediaType)}`,
    );
  const mediaType = (json.mediaType as string | undefined) || mediaTypeOf(contentType);
  if (isList(mediaType)) {
    if (!Array.isArray(json.manifests))
      throw new AnswerError(
        `answered a list that has no array of manifests: ${shown(json.manifests)}`,
      );
    const manifests = json.manifests.map((entry, i) =>
      descriptor(entry, `a list that`, `manifests[${i}]`),
    );
    return { kind: 'list', mediaType, manifests };
  }
  if (isSingle(mediaType))
    return {
      kind: 'single',
      mediaType,
      config: descriptor(json.config, 'a manifest that', 'config'),
    };
  return { kind: 'other', mediaType };
}

/** An image config's platform: os and architecture are text, a variant too when there is one. */
export function readConfig(body: Buffer): Platform {
  const json = parseObject(body, 'an image config');
  const platform = platformOf(json);
  if (!platform)
    throw new AnswerError(
      `answered an image config without os and architecture as text: ` +
        `${shown({ os: json.os, architecture: json.architecture, variant: json.variant })}`,
    );
  return platform;
}

function descriptor(value: unknown, what: string, where: string): Descriptor {
  if (!isObject(value))
    throw new AnswerError(`answered ${what} has ${where} ${shown(value)}, not a descriptor`);
  if (typeof value.mediaType !== 'string')
    throw new AnswerError(`answered ${what} has ${where}.mediaType ${shown(value.mediaType)}`);
  const digest = checkDigest(value.digest);
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0)
    throw new AnswerError(`answered ${what} has ${where}.size ${shown(value.size)}, not a size`);
  const result: Descriptor = { mediaType: value.mediaType, digest, size: value.size };
  if (value.platform !== undefined) {
    const platform = isObject(value.platform) ? platformOf(value.platform) : undefined;
    if (!platform)
      throw new AnswerError(
        `answered ${what} has ${where}.platform ${shown(value.platform)}, not a platform of text`,
      );
    result.platform = platform;
  }
  return result;
}

/** `{ os, architecture, variant? }` as text (other fields, os.version included, unused). */
function platformOf(value: Record<string, unknown>): Platform | undefined {
  const { os, architecture, variant } = value;
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  if (variant !== undefined && typeof variant !== 'string') return undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}

function parseObject(body: Buffer, what: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AnswerError(`answered ${what} that is not JSON`);
  }
  if (!isObject(json)) throw new AnswerError(`answered ${what} that is not a JSON object`);
  return json;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

const mediaTypeOf = (contentType: string | null) => (contentType ?? '').split(';')[0].trim();
