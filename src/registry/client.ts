// Resolves an image reference for a platform against its registry (OCI distribution API v2):
// HEAD first, GET only when the digest is new; each (registry, repository, reference) asked once.
import {
  AnswerError,
  checkDigest,
  digestMatches,
  readConfig,
  readManifest,
  sha256Of,
  type Manifest,
} from './answers.js';
import { authorize } from './auth.js';
import { parseChallenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { RegistryFailure, unreachable } from './failure.js';
import {
  ACCEPT,
  listPlatforms,
  pickEntry,
  platformMatches,
  formatPlatform,
  shownPlatform,
  type Platform,
} from './platform.js';
import { isLoopback, manifestReference, type RemoteRef } from './reference.js';
import { shown } from './shown.js';
import { Transport, TransportError, type Answer, type TransportOptions } from './transport.js';

export { RegistryFailure, type FailureKind } from './failure.js';

export interface Resolved {
  digest: string;
  index?: string;
}

export interface ClientOptions extends TransportOptions {
  /** Plain HTTP for this registry (config `registries.<host>.insecure`). */
  insecure: (domain: string) => boolean;
  credentials: (domain: string) => Promise<Credentials | undefined>;
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

  /** The digest to pin for this platform; `known` (the lock's entry) is kept while still served.
   * Every answer is checked before it is used: a registry that answers off the schema or the
   * digest grammar is refused (XDF073), never copied into xdf.lock. */
  async resolve(ref: RemoteRef, platform: Platform, known?: Resolved): Promise<Resolved> {
    try {
      return await this.resolveChecked(ref, platform, known);
    } catch (e) {
      if (e instanceof AnswerError) throw unreachable(ref, e.message);
      throw e;
    }
  }

  private async resolveChecked(
    ref: RemoteRef,
    platform: Platform,
    known?: Resolved,
  ): Promise<Resolved> {
    const reference = manifestReference(ref);
    const head = await this.ask(ref, 'HEAD', `manifests/${reference}`);
    this.expectFound(ref, head, `${ref.repository}:${reference}`);
    const named = head.headers.get('docker-content-digest');
    const digest = named === null ? undefined : checkDigest(named);
    if (known && digest && (known.index ?? known.digest) === digest) return known;
    // A registry that names no digest in HEAD is asked for the manifest by its tag.
    const { manifest, digest: actual } = await this.manifest(
      ref,
      digest ?? reference,
      digest,
      `${ref.repository}:${reference}`,
    );
    if (manifest.kind === 'list') {
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
      await this.checkEntry(ref, platform, entry.digest);
      return { digest: entry.digest, index: actual };
    }
    if (manifest.kind === 'single') {
      const config = await this.config(ref, manifest.config.digest);
      if (!platformMatches(platform, config)) {
        const found = shownPlatform(config);
        throw new RegistryFailure(
          'wrong-platform',
          ref.domain,
          `${display(ref)} is a single-platform image for ${found}, ` +
            `not ${formatPlatform(platform)}`,
          { found },
        );
      }
      return { digest: actual };
    }
    throw new RegistryFailure(
      'not-found',
      ref.domain,
      `${display(ref)} is not an image (media type ${shown(manifest.mediaType || 'unknown')})`,
    );
  }

  /** A manifest by tag or digest, its bytes checked against the digest named for them. */
  private async manifest(
    ref: RemoteRef,
    reference: string,
    digest: string | undefined,
    what: string,
  ): Promise<{ manifest: Manifest; digest: string }> {
    const got = await this.ask(ref, 'GET', `manifests/${reference}`);
    this.expectFound(ref, got, what);
    if (digest && !digestMatches(digest, got.body))
      throw new AnswerError(`served a manifest whose bytes do not match its digest ${digest}`);
    return {
      manifest: readManifest(got.body, got.headers.get('content-type')),
      digest: digest ?? sha256Of(got.body),
    };
  }

  /** An image config (a blob), its bytes checked against its digest, read for its platform. */
  private async config(ref: RemoteRef, digest: string): Promise<Platform> {
    const blob = await this.ask(ref, 'GET', `blobs/${digest}`);
    this.expectFound(ref, blob, `the image config of ${display(ref)}`);
    if (!digestMatches(digest, blob.body))
      throw new AnswerError(`served an image config whose bytes do not match its digest ${digest}`);
    return readConfig(blob.body);
  }

  /** The entry a list names for a platform is what xdf.lock pins: its manifest and config must be
   * an image of that platform, as the list claims (a config that omits the variant agrees). */
  private async checkEntry(ref: RemoteRef, platform: Platform, digest: string): Promise<void> {
    const { manifest } = await this.manifest(
      ref,
      digest,
      digest,
      `${ref.repository}@${digest}, the image its list names for ${formatPlatform(platform)}`,
    );
    if (manifest.kind !== 'single')
      throw new AnswerError(
        `answered a list whose entry for ${formatPlatform(platform)} is not an image manifest ` +
          `(media type ${shown(manifest.mediaType || 'unknown')})`,
      );
    const config = await this.config(ref, manifest.config.digest);
    if (
      !platformMatches(platform, config.variant ? config : { ...config, variant: platform.variant })
    ) {
      const found = shownPlatform(config);
      throw new RegistryFailure(
        'wrong-platform',
        ref.domain,
        `${display(ref)} claims ${formatPlatform(platform)} in its list, but that entry's image ` +
          `config says ${found}`,
        { found },
      );
    }
  }

  private expectFound(ref: RemoteRef, answer: Answer, what: string): void {
    if (answer.status >= 200 && answer.status < 300) return;
    if (answer.status === 404)
      throw new RegistryFailure('not-found', ref.domain, `${ref.domain} has no ${what}`);
    if (answer.status === 401 || answer.status === 403) {
      const key = `${ref.domain}/${ref.repository}`;
      if (this.sentCredentials.has(key))
        throw unreachable(
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
    throw unreachable(ref, `answered ${answer.status} for ${what}`);
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
      if (!this.auth.has(authKey))
        this.auth.set(
          authKey,
          authorize(ref, challenge, {
            transport: this.transport,
            credentials: this.options.credentials,
            sent: () => this.sentCredentials.add(authKey),
          }),
        );
      const before = await this.auth.get(authKey);
      if (!before) return answer;
      answer = await send();
      return answer;
    } catch (e) {
      if (e instanceof TransportError)
        throw unreachable(
          ref,
          `cannot be reached: ${e.message}`,
          `check that ${ref.domain} is up and reachable from here, or raise --timeout`,
        );
      throw e;
    }
  }
}

const display = (ref: RemoteRef) =>
  `${ref.domain}/${ref.repository}` +
  `${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
