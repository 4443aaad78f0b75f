// An OCI distribution registry in this process (node:http, plain HTTP on loopback), serving what
// a test puts in it: image configs, manifests and lists, content-addressed as a real registry.
// A test may answer any request itself (`answer`) to play a registry that lies or misbehaves.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export interface PlatformSpec {
  os?: string;
  architecture: string;
  variant?: string;
}

interface Stored {
  type: string;
  body: Buffer;
}

export const sha256 = (body: Buffer | string) =>
  `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;

/** Returns true when it answered the request; the store answers the others. */
export type Answerer = (req: http.IncomingMessage, res: http.ServerResponse) => boolean | void;

export class FakeRegistry {
  readonly requests: string[] = []; // `METHOD /v2/…`
  answer?: Answerer;
  private readonly manifests = new Map<string, Stored>(); // by `repo ref` (tag or digest)
  private readonly blobs = new Map<string, Stored>(); // by `repo digest`

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeRegistry> {
    const server = http.createServer();
    const registry = new FakeRegistry(server);
    server.on('request', (req, res) => registry.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return registry;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Stores a manifest (any JSON or bytes) under its digest and, when given, a tag. */
  putManifest(repo: string, body: object | string, type: string, tag?: string): string {
    const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const digest = sha256(bytes);
    this.manifests.set(`${repo} ${digest}`, { type, body: bytes });
    if (tag) this.manifests.set(`${repo} ${tag}`, { type, body: bytes });
    return digest;
  }

  putBlob(repo: string, body: object | string, type = MEDIA.ociConfig): string {
    const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const digest = sha256(bytes);
    this.blobs.set(`${repo} ${digest}`, { type, body: bytes });
    return digest;
  }

  /** A single-platform image whose config names `config` (the platform it really is). */
  putImage(repo: string, config: PlatformSpec, tag?: string): { digest: string; size: number } {
    const configBody = { os: 'linux', ...config, rootfs: { type: 'layers', diff_ids: [] } };
    const configDigest = this.putBlob(repo, configBody);
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: {
        mediaType: MEDIA.ociConfig,
        digest: configDigest,
        size: JSON.stringify(configBody).length,
      },
      layers: [],
    };
    const digest = this.putManifest(repo, manifest, MEDIA.ociManifest, tag);
    return { digest, size: JSON.stringify(manifest).length };
  }

  /** An index whose entries claim `claims`; each entry's image really is `real` (default: the
   * claim). */
  putList(
    repo: string,
    tag: string,
    entries: { claims: PlatformSpec; real?: PlatformSpec }[],
  ): { digest: string; entries: string[] } {
    const manifests = entries.map(({ claims, real }) => {
      const image = this.putImage(repo, real ?? claims);
      return {
        mediaType: MEDIA.ociManifest,
        digest: image.digest,
        size: image.size,
        platform: { os: 'linux', ...claims },
      };
    });
    const digest = this.putManifest(
      repo,
      { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests },
      MEDIA.ociIndex,
      tag,
    );
    return { digest, entries: manifests.map((m) => m.digest) };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push(`${req.method} ${req.url}`);
    if (this.answer?.(req, res)) return;
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(req.url ?? '');
    const stored =
      m &&
      (m[2] === 'manifests' ? this.manifests : this.blobs).get(
        `${m[1]} ${decodeURIComponent(m[3])}`,
      );
    if (!stored) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      return;
    }
    res.writeHead(200, {
      'content-type': stored.type,
      'content-length': stored.body.length,
      'docker-content-digest': sha256(stored.body),
    });
    res.end(req.method === 'HEAD' ? undefined : stored.body);
  }
}
