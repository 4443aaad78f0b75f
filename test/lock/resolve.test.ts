// generate / check / render with xdf.lock present: digests appended, never the network.
import { describe, expect, it } from 'vitest';
import { formatLockFile } from '../../src/lock/file.js';
import { makeProject, read, xdf } from '../helpers/project.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
// `registry.invalid` cannot resolve: any network use would fail these runs.
const TEMPLATE = `ARG BASE=registry.invalid/team/base:1
FROM golang:1.22 AS build
RUN go version
FROM $BASE
COPY --from=registry.invalid/team/tools:2 /t /t
RUN true
`;
const CONFIG = `arches: [amd64, arm64v8]
images:
  golang: { strategy: namespace }
  "registry.invalid/team/*": { strategy: pattern, rewrite: "registry.invalid/{{name}}:{{tag}}-{{arch}}" }
warnings: { ignore: [XDFW001] }
`;
const LOCK = formatLockFile([
  { ref: 'arm64v8/golang:1.22', platform: 'linux/arm64', digest: d('a'), index: d('b') },
  { ref: 'registry.invalid/team/base:1-arm64v8', platform: 'linux/arm64', digest: d('c') },
  { ref: 'registry.invalid/team/tools:2-arm64v8', platform: 'linux/arm64', digest: d('e') },
  { ref: 'golang:1.22', platform: 'linux/amd64', digest: d('f'), index: d('b') },
  { ref: 'registry.invalid/team/base:1-amd64', platform: 'linux/amd64', digest: d('1') },
  { ref: 'registry.invalid/team/tools:2-amd64', platform: 'linux/amd64', digest: d('2') },
]);

describe('with xdf.lock', () => {
  it("generate appends each mapped image's digest (FROM, ARG default, COPY --from), the tag kept", async () => {
    const dir = makeProject({ 'Dockerfile.tpl': TEMPLATE, 'xdf.yaml': CONFIG, 'xdf.lock': LOCK });
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const arm = read(dir, 'Dockerfile.arm64v8');
    expect(arm).toContain(`ARG BASE=registry.invalid/team/base:1-arm64v8@${d('c')}\n`);
    expect(arm).toContain(`FROM arm64v8/golang:1.22@${d('a')} AS build\n`);
    expect(arm).toContain(`COPY --from=registry.invalid/team/tools:2-arm64v8@${d('e')} /t /t\n`);
    expect(arm).toContain('FROM $BASE\n');
    expect((await xdf(dir, 'check')).code).toBe(0);
  });

  it('the host target stays as written unless lock.host: true', async () => {
    const dir = makeProject({ 'Dockerfile.tpl': TEMPLATE, 'xdf.yaml': CONFIG, 'xdf.lock': LOCK });
    expect((await xdf(dir, 'render', 'Dockerfile.tpl', '--arch', 'amd64')).stdout).toContain(
      'FROM golang:1.22 AS build\n',
    );
    const pinned = makeProject({
      'Dockerfile.tpl': TEMPLATE,
      'xdf.yaml': `${CONFIG}lock: { host: true }\n`,
      'xdf.lock': LOCK,
    });
    const out = (await xdf(pinned, 'render', 'Dockerfile.tpl', '--arch', 'amd64')).stdout;
    expect(out).toContain(`FROM golang:1.22@${d('f')} AS build\n`);
    expect(out).toContain(`ARG BASE=registry.invalid/team/base:1-amd64@${d('1')}\n`);
  });

  it('an image with no entry is XDF074 at its FROM, with the hint xdf lock; nothing is written', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': TEMPLATE.replace('golang:1.22', 'golang:1.23'),
      'xdf.yaml': CONFIG,
      'xdf.lock': LOCK,
    });
    const run = await xdf(dir, 'generate');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'Dockerfile.tpl:2:6: error XDF074: arm64v8/golang:1.23 for linux/arm64 has no entry in xdf.lock\nhint: run xdf lock to resolve it, and commit xdf.lock\n',
    );
    expect(run.stdout).toBe('');
    expect((await xdf(dir, 'check')).code).toBe(2);
  });

  it('without xdf.lock nothing changes; a damaged one is XDF075', async () => {
    const plain = makeProject({ 'Dockerfile.tpl': TEMPLATE, 'xdf.yaml': CONFIG });
    expect((await xdf(plain, 'render', 'Dockerfile.tpl', '--arch', 'arm64v8')).stdout).toContain(
      'FROM arm64v8/golang:1.22 AS build\n',
    );
    const damaged = makeProject({
      'Dockerfile.tpl': TEMPLATE,
      'xdf.yaml': CONFIG,
      'xdf.lock': LOCK.replace(d('a'), 'sha256:0'),
    });
    const run = await xdf(damaged, 'generate');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      // at the line of the value that is wrong
      /^xdf.lock:9:1: error XDF075: xdf.lock images\[0\]\.digest is not a digest \(sha256:<64 hex digits>\)\n/,
    );
  });
});

describe('xdf lock without a registry', () => {
  it('a registry that refuses connections is XDF073 at the FROM, not retried; xdf.lock stays as it was', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM 127.0.0.1:5189/team/app:1\nRUN true\n',
      'xdf.yaml': 'arches: [arm64v8]\nimages: { "127.0.0.1:5189/*": { strategy: platform } }\n',
      'xdf.lock': LOCK,
    });
    const run = await xdf(dir, 'lock', '--update');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'Dockerfile.tpl:1:6: error XDF073: registry 127.0.0.1:5189 cannot be reached: connection refused\nhint: check that 127.0.0.1:5189 is up and reachable from here, or raise --timeout\n',
    );
    expect(read(dir, 'xdf.lock')).toBe(LOCK);
  });

  it('--update and --check together, or a bad --timeout, are usage errors', async () => {
    const dir = makeProject({ 'Dockerfile.tpl': 'FROM alpine\n' });
    expect((await xdf(dir, 'lock', '--update', '--check')).stderr).toMatch(
      /error XDF002: --update and --check exclude each other/,
    );
    expect((await xdf(dir, 'lock', '--timeout', 'soon')).stderr).toMatch(
      /error XDF002: --timeout soon is not a number of seconds/,
    );
  });
});
