// Pushes small but real images to a registry over its HTTP API (no docker pull from outside):
// one busybox-free layer, an image config that names its platform, manifests and lists.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
};

export interface PlatformSpec {
  os?: string;
  architecture: string;
  variant?: string;
}
export interface Pushed {
  digest: string;
  size: number;
  mediaType: string;
  platform?: PlatformSpec;
}

const sha = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;

/** A real gzip'd tar with one file, made by tar(1) so that docker could unpack it. */
function layer(text: string): { tar: Buffer; gz: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-layer-'));
  fs.writeFileSync(path.join(dir, 'xdf-image'), text);
  const r = spawnSync('tar', [
    '-C',
    dir,
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '-cf',
    '-',
    'xdf-image',
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return { tar: r.stdout, gz: zlib.gzipSync(r.stdout) };
}

async function pushBlob(
  base: string,
  repo: string,
  blob: Buffer,
  headers: Record<string, string>,
): Promise<string> {
  const digest = sha(blob);
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  if (start.status !== 202)
    throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: new Uint8Array(blob),
    headers: { ...headers, 'content-type': 'application/octet-stream' },
  });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
  return digest;
}

async function putManifest(
  base: string,
  repo: string,
  tag: string,
  body: Buffer,
  mediaType: string,
  headers: Record<string, string>,
): Promise<string> {
  const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: new Uint8Array(body),
    headers: { ...headers, 'content-type': mediaType },
  });
  if (res.status !== 201)
    throw new Error(`manifest ${repo}:${tag}: ${res.status} ${await res.text()}`);
  return sha(body);
}

/** A single-platform image whose config says `platform` (whatever the tag claims). */
export async function pushImage(
  base: string,
  repo: string,
  tag: string,
  platform: PlatformSpec,
  opts: { seed?: string; oci?: boolean; headers?: Record<string, string> } = {},
): Promise<Pushed> {
  const headers = opts.headers ?? {};
  const { tar, gz } = layer(
    `${repo}:${tag} ${platform.architecture}${platform.variant ?? ''} ${opts.seed ?? ''}\n`,
  );
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os ?? 'linux',
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { Cmd: ['/xdf-image'], Labels: { seed: opts.seed ?? '' } },
      rootfs: { type: 'layers', diff_ids: [sha(tar)] },
    }),
  );
  const configDigest = await pushBlob(base, repo, config, headers);
  const layerDigest = await pushBlob(base, repo, gz, headers);
  const mediaType = opts.oci ? MEDIA.ociManifest : MEDIA.dockerManifest;
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType,
        config: {
          mediaType: opts.oci
            ? 'application/vnd.oci.image.config.v1+json'
            : 'application/vnd.docker.container.image.v1+json',
          size: config.length,
          digest: configDigest,
        },
        layers: [
          {
            mediaType: opts.oci
              ? 'application/vnd.oci.image.layer.v1.tar+gzip'
              : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            size: gz.length,
            digest: layerDigest,
          },
        ],
      },
      null,
      3,
    ),
  );
  const digest = await putManifest(base, repo, tag, manifest, mediaType, headers);
  return {
    digest,
    size: manifest.length,
    mediaType,
    platform: { os: platform.os ?? 'linux', ...platform },
  };
}

/** A manifest list (Docker) or index (OCI) of images already pushed to the same repository. */
export async function pushList(
  base: string,
  repo: string,
  tag: string,
  images: Pushed[],
  opts: { oci?: boolean; headers?: Record<string, string> } = {},
): Promise<Pushed> {
  const mediaType = opts.oci ? MEDIA.ociIndex : MEDIA.dockerList;
  const body = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType,
        manifests: images.map((m) => ({
          mediaType: m.mediaType,
          size: m.size,
          digest: m.digest,
          platform: m.platform,
        })),
      },
      null,
      3,
    ),
  );
  return {
    digest: await putManifest(base, repo, tag, body, mediaType, opts.headers ?? {}),
    size: body.length,
    mediaType,
  };
}

/** Every platform of a list: each pushed for real under `<tag>-<n>` first (registries refuse dangling lists). */
export async function pushMultiArch(
  base: string,
  repo: string,
  tag: string,
  platforms: PlatformSpec[],
  opts: { seed?: string; oci?: boolean } = {},
) {
  const images: Pushed[] = [];
  for (const p of platforms)
    images.push(await pushImage(base, repo, `${tag}-${p.architecture}${p.variant ?? ''}`, p, opts));
  const list = await pushList(base, repo, tag, images, opts);
  return { list, images };
}
