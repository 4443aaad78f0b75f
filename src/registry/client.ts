// Resolves an image reference for a platform against its registry (OCI distribution API v2):
// HEAD first, GET only when the digest is new; each (registry, repository, reference) asked once.
import crypto from 'node:crypto';
import { parseChallenge, tokenUrl, type Challenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import {
  ACCEPT,
  isList,
  isSingle,
  listPlatforms,
  pickEntry,
  platformMatches,
  formatPlatform,
  type Descriptor,
  type Platform,
} from './platform.js';
import { isLoopback, manifestReference, type RemoteRef } from './reference.js';
import { Transport, TransportError, type Answer, type TransportOptions } from './transport.js';

export interface Resolved {
  digest: string;
  index?: string;
}

export type FailureKind = 'not-found' | 'no-platform' | 'wrong-platform' | 'unreachable';

/** Why a reference could not be resolved; `domain` names the registry, never a credential. */
export class RegistryFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly domain: string,
    message: string,
    readonly detail: { platforms?: string[]; found?: string; hint?: string } = {},
  ) {
    super(message);
  }
}

export interface ClientOptions extends TransportOptions {
  /** Plain HTTP for this registry (config `registries.<host>.insecure`). */
  insecure: (domain: string) => boolean;
  credentials: (domain: string) => Promise<Credentials | undefined>;
}

interface Manifest {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: { digest: string };
}

export class RegistryClient {
  private readonly transport: Transport;
  private readonly asked = new Map<string, Promise<Answer>>();
  private readonly auth = new Map<string, Promise<string | undefined>>(); // by domain + repository
  private readonly sentCredentials = new Set<string>();

  constructor(private readonly options: ClientOptions) {
    this.transport = new Transport(options);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** The digest to pin for this platform; `known` (the lock's entry) is kept while still served. */
  async resolve(ref: RemoteRef, platform: Platform, known?: Resolved): Promise<Resolved> {
    const reference = manifestReference(ref);
    const head = await this.ask(ref, 'HEAD', `manifests/${reference}`);
    this.expectFound(ref, head, `${ref.repository}:${reference}`);
    let digest = head.headers.get('docker-content-digest') ?? '';
    if (known && digest && (known.index ?? known.digest) === digest) return known;
    // A registry that names no digest in HEAD is asked for the manifest by its tag.
    const got = await this.ask(ref, 'GET', `manifests/${digest || reference}`);
    this.expectFound(ref, got, `${ref.repository}:${reference}`);
    const actual = `sha256:${crypto.createHash('sha256').update(got.body).digest('hex')}`;
    if (digest && digest !== actual)
      throw this.unreachable(
        ref,
        `served a manifest whose bytes do not match its digest ${digest}`,
      );
    digest = actual;
    const manifest = parseJson<Manifest>(got.body);
    const mediaType =
      manifest?.mediaType || (got.headers.get('content-type') ?? '').split(';')[0].trim();
    if (manifest && isList(mediaType)) {
      const entry = pickEntry(manifest, platform);
      if (!entry) {
        const platforms = listPlatforms(manifest);
        throw new RegistryFailure(
          'no-platform',
          ref.domain,
          `${display(ref)} has no image for ${formatPlatform(platform)} ` +
            `(it has ${platforms.join(', ') || 'none'})`,
          { platforms },
        );
      }
      return { digest: entry.digest, index: digest };
    }
    if (manifest && isSingle(mediaType) && manifest.config?.digest) {
      const blob = await this.ask(ref, 'GET', `blobs/${manifest.config.digest}`);
      this.expectFound(ref, blob, `the image config of ${display(ref)}`);
      const config = parseJson<Partial<Platform>>(blob.body) ?? {};
      if (!platformMatches(platform, config)) {
        const found = formatPlatform({
          os: config.os ?? '?',
          architecture: config.architecture ?? '?',
          variant: config.variant,
        });
        throw new RegistryFailure(
          'wrong-platform',
          ref.domain,
          `${display(ref)} is a single-platform image for ${found}, ` +
            `not ${formatPlatform(platform)}`,
          { found },
        );
      }
      return { digest };
    }
    throw new RegistryFailure(
      'not-found',
      ref.domain,
      `${display(ref)} is not an image (media type ${mediaType || 'unknown'})`,
    );
  }

  private expectFound(ref: RemoteRef, answer: Answer, what: string): void {
    if (answer.status >= 200 && answer.status < 300) return;
    if (answer.status === 404)
      throw new RegistryFailure('not-found', ref.domain, `${ref.domain} has no ${what}`);
    if (answer.status === 401 || answer.status === 403) {
      const key = `${ref.domain}/${ref.repository}`;
      if (this.sentCredentials.has(key))
        throw this.unreachable(
          ref,
          'refused our credentials',
          `check the login for ${ref.domain} (docker login ${ref.domain})`,
        );
      throw new RegistryFailure(
        'not-found',
        ref.domain,
        `${ref.domain} denied ${what} to an anonymous caller: ` +
          'no such repository, or it needs a login',
        { hint: `check the name, or docker login ${ref.domain}` },
      );
    }
    throw this.unreachable(ref, `answered ${answer.status} for ${what}`);
  }

  private unreachable(ref: RemoteRef, why: string, hint?: string): RegistryFailure {
    return new RegistryFailure('unreachable', ref.domain, `registry ${ref.domain} ${why}`, {
      hint,
    });
  }

  /** One request, authenticated as the registry's challenge asks; made once per run. */
  private ask(ref: RemoteRef, method: 'GET' | 'HEAD', what: string): Promise<Answer> {
    const key = `${method} ${ref.host}/${ref.repository}/${what}`;
    let answer = this.asked.get(key);
    if (!answer) this.asked.set(key, (answer = this.askOnce(ref, method, what)));
    return answer;
  }

  private async askOnce(ref: RemoteRef, method: 'GET' | 'HEAD', what: string): Promise<Answer> {
    const scheme = isLoopback(ref.host) || this.options.insecure(ref.domain) ? 'http' : 'https';
    const url = `${scheme}://${ref.host}/v2/${ref.repository}/${what}`;
    const authKey = `${ref.domain}/${ref.repository}`;
    const send = async () => {
      const authorization = await this.auth.get(authKey);
      const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': 'xdf' };
      if (authorization) headers.authorization = authorization;
      return this.transport.request(url, { method, headers });
    };
    try {
      let answer = await send();
      if (answer.status !== 401) return answer;
      const challenge = parseChallenge(answer.headers.get('www-authenticate'));
      if (!challenge) return answer;
      if (!this.auth.has(authKey)) this.auth.set(authKey, this.authorize(ref, challenge));
      const before = await this.auth.get(authKey);
      if (!before) return answer;
      answer = await send();
      return answer;
    } catch (e) {
      if (e instanceof TransportError)
        throw this.unreachable(
          ref,
          `cannot be reached: ${e.message}`,
          `check that ${ref.domain} is up and reachable from here, or raise --timeout`,
        );
      throw e;
    }
  }

  /** The Authorization header for a repository: a Bearer token from the realm, or Basic. */
  private async authorize(ref: RemoteRef, challenge: Challenge): Promise<string | undefined> {
    const credentials = await this.options.credentials(ref.domain);
    const basic =
      credentials &&
      `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    if (basic) this.sentCredentials.add(`${ref.domain}/${ref.repository}`);
    if (challenge.scheme === 'basic') {
      if (!basic)
        throw this.unreachable(
          ref,
          'needs a login',
          `docker login ${ref.domain}, or add its credentials to Docker's config.json`,
        );
      return basic;
    }
    if (!challenge.realm) throw this.unreachable(ref, 'sent a Bearer challenge without a realm');
    let realm: string;
    try {
      realm = tokenUrl(challenge, ref.repository);
    } catch {
      throw this.unreachable(ref, 'sent a Bearer challenge with a bad realm');
    }
    let answer: Answer;
    try {
      answer = await this.transport.request(realm, {
        method: 'GET',
        headers: { 'user-agent': 'xdf', ...(basic ? { authorization: basic } : {}) },
      });
    } catch (e) {
      if (e instanceof TransportError)
        throw this.unreachable(ref, `token service cannot be reached: ${e.message}`);
      throw e;
    }
    if (answer.status === 401 || answer.status === 403)
      throw this.unreachable(
        ref,
        basic ? 'refused our credentials' : 'refused an anonymous token',
        `check the login for ${ref.domain} (docker login ${ref.domain})`,
      );
    const body = parseJson<{ token?: string; access_token?: string }>(answer.body);
    const token = body?.token ?? body?.access_token;
    if (answer.status !== 200 || !token)
      throw this.unreachable(ref, `token service answered ${answer.status} without a token`);
    return `Bearer ${token}`;
  }
}

const display = (ref: RemoteRef) =>
  `${ref.domain}/${ref.repository}` +
  `${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;

function parseJson<T>(body: Buffer): T | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
