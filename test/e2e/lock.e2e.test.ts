// xdf lock against real registries (Debian's docker-registry 2.8) on loopback ports 5110-5119:
// no auth, htpasswd (bcrypt), token auth served by a JWT issuer written here, a registry that
// is stopped mid-test, and a fault-injecting proxy (429 with Retry-After, a stalled answer).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pushImage, pushList, pushMultiArch, type PlatformSpec } from './oci-push.js';

const ROOT = path.resolve(__dirname, '../..');
const PORT = { plain: 5110, htpasswd: 5111, token: 5112, issuer: 5113, proxy: 5114, doomed: 5115 };
const REG = `127.0.0.1:${PORT.plain}`;
const PUSH = `http://${REG}`;
const USER = 'xdf-user';
const SECRET = 'Zq8-very-secret-pw';
const THREE: PlatformSpec[] = [
  { architecture: 'amd64' },
  { architecture: 'arm', variant: 'v7' },
  { architecture: 'arm64', variant: 'v8' },
];
const tools = ['/usr/bin/docker-registry', 'htpasswd', 'openssl', 'skopeo'];
const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const problem = inject('e2eProblem') || (missing.length ? `missing ${missing.join(', ')}` : '');
if (problem && process.env.CI) throw new Error(`lock e2e cannot run: ${problem}`);

type Run = { code: number; stdout: string; stderr: string; ms: number };
function xdf(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve) => {
    // Asynchronous: the token issuer and the proxy answer from this process while xdf runs.
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin/xdf.cjs'), ...args],
      { cwd, env: { PATH: process.env.PATH, HOME: cwd, XDF_NO_CACHE: '1', ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
          ms: Date.now() - start,
        }),
    );
  });
}

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-lock-e2e-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const lockOf = (dir: string) =>
  Object.fromEntries(
    [
      ...read(dir, 'xdf.lock').matchAll(
        /- ref: (\S+)\n {4}platform: (\S+)\n {4}digest: (\S+)(?:\n {4}index: (\S+))?/g,
      ),
    ].map((m) => [`${m[1]} ${m[2]}`, { digest: m[3], index: m[4] }]),
  );

/** What the registry serves, asked by another client (skopeo): the list's digest and each entry's. */
function served(ref: string): { index: string; byPlatform: Record<string, string> } {
  const r = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
  if (r.status !== 0) throw new Error(`skopeo: ${r.stderr}`);
  const list = JSON.parse(r.stdout.toString());
  const byPlatform: Record<string, string> = {};
  for (const m of list.manifests)
    byPlatform[
      [
        m.platform.os,
        m.platform.architecture,
        m.platform.architecture === 'arm64' ? '' : m.platform.variant,
      ]
        .filter(Boolean)
        .join('/')
    ] = m.digest;
  return {
    index: `sha256:${crypto.createHash('sha256').update(r.stdout).digest('hex')}`,
    byPlatform,
  };
}

const procs: ChildProcess[] = [];
const servers: http.Server[] = [];
let work: string;

function startRegistry(port: number, auth = ''): Promise<ChildProcess> {
  const file = path.join(work, `registry-${port}.yml`);
  fs.writeFileSync(
    file,
    `version: 0.1\nlog: { level: error }\nstorage:\n  filesystem: { rootdirectory: ${work}/data }\nhttp: { addr: 127.0.0.1:${port} }\n${auth}`,
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (b) => {
    log += b;
  });
  procs.push(child);
  return waitFor(`http://127.0.0.1:${port}/v2/`, () => log).then(() => child);
}

async function waitFor(url: string, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up: ${log()}`);
}

function listen(server: http.Server, port: number): Promise<void> {
  servers.push(server);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const issued: { user: string; scope: string }[] = [];

/** The token service of the token-auth registry: RS256, x5c with our certificate; anonymous callers may pull. */
function tokenIssuer(keyPem: string, certPem: string): http.Server {
  const der = Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const auth = req.headers.authorization;
    let user = '';
    if (auth) {
      const [name, pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      if (name !== USER || pass !== SECRET) {
        res.writeHead(401).end('{"details":"bad credentials"}');
        return;
      }
      user = name;
    }
    const scope = url.searchParams.get('scope') ?? '';
    issued.push({ user, scope });
    const [, name] = /^repository:(.+):pull$/.exec(scope) ?? [];
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(
      JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [der.toString('base64')] }),
    );
    const claims = b64url(
      JSON.stringify({
        iss: 'xdf-e2e-issuer',
        sub: user,
        aud: url.searchParams.get('service'),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: crypto.randomUUID(),
        access: name ? [{ type: 'repository', name, actions: ['pull'] }] : [],
      }),
    );
    const signature = crypto.sign('sha256', Buffer.from(`${header}.${claims}`), keyPem);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}`, expires_in: 300 }));
  });
}

/** In front of the plain registry: counts requests, can answer 429 or stall, delays to show concurrency. */
const proxy = {
  tooMany: 0,
  stall: '',
  delayMs: 0,
  inFlight: 0,
  maxInFlight: 0,
  seen: [] as string[],
};
function faultProxy(): http.Server {
  return http.createServer((req, res) => {
    proxy.seen.push(`${req.method} ${req.url}`);
    if (proxy.stall && req.url!.includes(proxy.stall)) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{');
      return;
    }
    if (proxy.tooMany > 0 && req.url!.includes('/manifests/')) {
      proxy.tooMany--;
      res.writeHead(429, { 'retry-after': '1' }).end();
      return;
    }
    proxy.inFlight++;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, proxy.inFlight);
    setTimeout(() => {
      const up = http.request(
        {
          host: '127.0.0.1',
          port: PORT.plain,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (r) => {
          res.writeHead(r.statusCode!, r.headers);
          r.pipe(res);
          r.on('end', () => {
            proxy.inFlight--;
          });
        },
      );
      req.pipe(up);
    }, proxy.delayMs);
  });
}

describe.skipIf(!!problem)('xdf lock against real registries', () => {
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-registries-'));
    const ht = spawnSync('htpasswd', ['-Bbn', USER, SECRET], { encoding: 'utf8' });
    fs.writeFileSync(path.join(work, 'htpasswd'), ht.stdout);
    const ssl = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${work}/key.pem`,
        '-out',
        `${work}/cert.pem`,
        '-subj',
        '/CN=xdf-e2e-token',
        '-days',
        '2',
      ],
      { encoding: 'utf8' },
    );
    if (ssl.status !== 0) throw new Error(ssl.stderr);
    await Promise.all([
      startRegistry(PORT.plain),
      startRegistry(
        PORT.htpasswd,
        `auth:\n  htpasswd: { realm: xdf-e2e, path: ${work}/htpasswd }\n`,
      ),
      startRegistry(
        PORT.token,
        `auth:\n  token: { realm: "http://127.0.0.1:${PORT.issuer}/token", service: xdf-e2e, issuer: xdf-e2e-issuer, rootcertbundle: ${work}/cert.pem }\n`,
      ),
      listen(tokenIssuer(read(work, 'key.pem'), read(work, 'cert.pem')), PORT.issuer),
      listen(faultProxy(), PORT.proxy),
    ]);
    // The images: every registry above serves the same storage, so one push reaches them all.
    await pushMultiArch(PUSH, 'xdf/multi', '1.0', THREE, { seed: 'first' });
    await pushMultiArch(PUSH, 'xdf/oci', '1.0', THREE, { oci: true });
    await pushMultiArch(PUSH, 'xdf/no-v7', '1.0', [
      { architecture: 'amd64' },
      { architecture: 'arm64' },
      { architecture: 'arm', variant: 'v6' },
    ]);
    for (const [arch, p] of [
      ['amd64', THREE[0]],
      ['arm32v7', THREE[1]],
      ['arm64v8', THREE[2]],
    ] as const)
      await pushImage(PUSH, 'xdf/base', `1.0-${arch}`, p, { oci: arch === 'arm64v8' });
    await pushImage(PUSH, 'xdf/wrong', '1.0-amd64', THREE[0]);
    await pushImage(PUSH, 'xdf/wrong', '1.0-arm32v7', THREE[1]);
    await pushImage(PUSH, 'xdf/wrong', '1.0-arm64v8', THREE[0]); // the docker import mistake: an amd64 image under an arm64 tag
    const copy = spawnSync(
      'skopeo',
      [
        'copy',
        '--all',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${REG}/xdf/multi:1.0`,
        `docker://${REG}/xdf/copied:1.0`,
      ],
      { encoding: 'utf8' },
    );
    if (copy.status !== 0) throw new Error(copy.stderr);
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) p.kill();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise((r) => {
            s.closeAllConnections();
            s.close(r);
          }),
      ),
    );
  });

  const CONFIG = `arches: [amd64, arm32v7, arm64v8]\nlock: { host: true }\nimages:\n  "127.0.0.1:*/xdf/base": { strategy: pattern, rewrite: "{{registry}}/{{name}}:{{tag}}-{{arch}}" }\n  "127.0.0.1:*/*": { strategy: platform }\n`;

  it('pins per arch exactly the digests the registry serves; generate, check and render use them', async () => {
    const dir = project({
      'Dockerfile.tpl': `ARG BASE=${REG}/xdf/base:1.0\nFROM ${REG}/xdf/multi:1.0 AS build\nRUN true\nFROM ${REG}/xdf/copied:1.0 AS copied\nFROM ${REG}/xdf/oci:1.0\nCOPY --from=copied /a /a\nFROM $BASE\n`,
      'xdf.yaml': CONFIG,
    });
    const run = await xdf(dir, ['lock']);
    expect(run.stderr).toContain('xdf lock: 12 images locked');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('wrote xdf.lock\n');
    const lock = lockOf(dir);
    for (const repo of ['multi', 'copied', 'oci']) {
      const truth = served(`${REG}/xdf/${repo}:1.0`);
      for (const platform of ['linux/amd64', 'linux/arm/v7', 'linux/arm64']) {
        expect(lock[`${REG}/xdf/${repo}:1.0 ${platform}`], `${repo} ${platform}`).toEqual({
          digest: truth.byPlatform[platform],
          index: truth.index,
        });
      }
    }
    const base = lock[`${REG}/xdf/base:1.0-arm64v8 linux/arm64`];
    expect(base.index).toBeUndefined();
    expect(base.digest).toBe(
      `sha256:${crypto
        .createHash('sha256')
        .update(
          spawnSync('skopeo', [
            'inspect',
            '--raw',
            '--tls-verify=false',
            `docker://${REG}/xdf/base:1.0-arm64v8`,
          ]).stdout,
        )
        .digest('hex')}`,
    );

    expect((await xdf(dir, ['generate', '--quiet'])).code).toBe(0);
    const arm = read(dir, 'Dockerfile.arm32v7');
    expect(arm).toContain(
      `FROM --platform=linux/arm/v7 ${REG}/xdf/multi:1.0@${lock[`${REG}/xdf/multi:1.0 linux/arm/v7`].digest} AS build\n`,
    );
    expect(arm).toContain(
      `ARG BASE=${REG}/xdf/base:1.0-arm32v7@${lock[`${REG}/xdf/base:1.0-arm32v7 linux/arm/v7`].digest}\n`,
    );
    expect((await xdf(dir, ['check'])).code).toBe(0);
    // A second lock asks nothing: every entry is kept.
    proxy.seen = [];
    const again = await xdf(dir, ['lock']);
    expect([again.code, again.stdout]).toEqual([0, '']);
    expect(again.stderr).toContain('0 asked');
  });

  it('a list missing arm/v7 (XDF071), an amd64 image under an arm64 tag (XDF072), no such tag (XDF070): at the FROM', async () => {
    const dir = project({
      'Dockerfile.tpl': `FROM ${REG}/xdf/no-v7:1.0\nFROM ${REG}/xdf/wrong:1.0 AS w\nFROM ${REG}/xdf/multi:9.9\n`,
      'xdf.yaml': `${CONFIG}  "127.0.0.1:*/xdf/wrong": { strategy: pattern, rewrite: "{{registry}}/{{name}}:{{tag}}-{{arch}}" }\n`,
    });
    const run = await xdf(dir, ['lock']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n').filter((l) => l.includes('error'))).toEqual([
      `Dockerfile.tpl:1:6: error XDF071: ${REG}/xdf/no-v7:1.0 has no image for linux/arm/v7 (it has linux/amd64, linux/arm64, linux/arm/v6)`,
      `Dockerfile.tpl:2:6: error XDF072: ${REG}/xdf/wrong:1.0-arm64v8 is a single-platform image for linux/amd64, not linux/arm64`,
      `Dockerfile.tpl:3:6: error XDF070: ${REG} has no xdf/multi:9.9`, // once for its three platforms
    ]);
    expect(run.stderr).toMatch(/XDF071[^\n]*\nhint: pick a tag published for linux\/arm\/v7/);
    expect(fs.existsSync(path.join(dir, 'xdf.lock'))).toBe(false);
    const json = await xdf(dir, ['lock', '--json']);
    expect(JSON.parse(json.stdout).errors.map((e: { code: string }) => e.code)).toEqual(
      expect.arrayContaining(['XDF070', 'XDF071', 'XDF072']),
    );
  });

  it('drift: a re-pushed tag fails --check (exit 1, listed), plain lock keeps the pin, --update follows', async () => {
    const dir = project({
      'Dockerfile.tpl': `FROM ${REG}/xdf/drift:1\nRUN true\n`,
      'xdf.yaml': CONFIG,
    });
    await pushMultiArch(PUSH, 'xdf/drift', '1', THREE, { seed: 'one' });
    expect((await xdf(dir, ['lock'])).code).toBe(0);
    const before = read(dir, 'xdf.lock');
    expect((await xdf(dir, ['lock', '--check'])).code).toBe(0);
    await pushMultiArch(PUSH, 'xdf/drift', '1', THREE, { seed: 'two' });
    const check = await xdf(dir, ['lock', '--check']);
    expect(check.code).toBe(1);
    const truth = served(`${REG}/xdf/drift:1`);
    expect(check.stdout.split('\n').filter(Boolean)).toEqual(
      ['linux/amd64', 'linux/arm/v7', 'linux/arm64'].map(
        (p) =>
          `moved ${REG}/xdf/drift:1 ${p}: ${lockOf(dir)[`${REG}/xdf/drift:1 ${p}`].digest} -> ${truth.byPlatform[p]}`,
      ),
    );
    expect(check.stderr).toContain('hint: run xdf lock --update');
    expect(read(dir, 'xdf.lock')).toBe(before);
    expect((await xdf(dir, ['lock'])).stdout).toBe('');
    expect(read(dir, 'xdf.lock')).toBe(before);
    expect((await xdf(dir, ['lock', '--update'])).stdout).toBe('wrote xdf.lock\n');
    expect(lockOf(dir)[`${REG}/xdf/drift:1 linux/arm64`]).toEqual({
      digest: truth.byPlatform['linux/arm64'],
      index: truth.index,
    });
    expect((await xdf(dir, ['lock', '--check'])).code).toBe(0);
  });

  it('a stopped registry: lock fails fast with XDF073 and keeps xdf.lock; generate, check, render work offline', async () => {
    const doomed = await startRegistry(PORT.doomed);
    const ref = `127.0.0.1:${PORT.doomed}/xdf/multi:1.0`;
    const dir = project({
      'Dockerfile.tpl': `FROM ${ref}\nRUN true\nFROM ${ref}\n`,
      'xdf.yaml': CONFIG,
    });
    expect((await xdf(dir, ['lock'])).code).toBe(0);
    const before = read(dir, 'xdf.lock');
    doomed.kill();
    await new Promise((r) => doomed.once('exit', r));
    const run = await xdf(dir, ['lock', '--update']);
    expect(run.code).toBe(2);
    expect(run.ms).toBeLessThan(5000);
    expect(run.stderr).toBe(
      `Dockerfile.tpl:1:6: error XDF073: registry 127.0.0.1:${PORT.doomed} cannot be reached: connection refused\nhint: check that 127.0.0.1:${PORT.doomed} is up and reachable from here, or raise --timeout\n`,
    );
    expect(read(dir, 'xdf.lock')).toBe(before);
    expect((await xdf(dir, ['generate', '--quiet'])).code).toBe(0);
    expect((await xdf(dir, ['check'])).code).toBe(0);
    const render = await xdf(dir, ['render', 'Dockerfile.tpl', '--arch', 'arm64v8']);
    expect(render.stdout).toContain(
      `FROM --platform=linux/arm64 ${ref}@${lockOf(dir)[`${ref} linux/arm64`].digest}\n`,
    );
  });

  describe('credentials', () => {
    const template = (port: number) => ({
      'Dockerfile.tpl': `FROM 127.0.0.1:${port}/xdf/multi:1.0\nRUN true\n`,
      'xdf.yaml': CONFIG,
    });
    const auths = (dir: string, password: string) => {
      fs.writeFileSync(
        path.join(dir, 'config.json'),
        JSON.stringify({
          auths: {
            [`127.0.0.1:${PORT.htpasswd}`]: {
              auth: Buffer.from(`${USER}:${password}`).toString('base64'),
            },
          },
        }),
      );
      return { DOCKER_CONFIG: dir };
    };
    const helper = (dir: string, password: string) => {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.writeFileSync(
        path.join(dir, 'bin', 'docker-credential-xdfe2e'),
        `#!/bin/sh\nread -r server\n[ "$server" = "127.0.0.1:${PORT.token}" ] || { echo "credentials not found in native keychain"; exit 1; }\nprintf '{"ServerURL":"%s","Username":"${USER}","Secret":"${password}"}' "$server"\n`,
        { mode: 0o755 },
      );
      fs.writeFileSync(
        path.join(dir, 'config.json'),
        JSON.stringify({ credHelpers: { [`127.0.0.1:${PORT.token}`]: 'xdfe2e' } }),
      );
      return { DOCKER_CONFIG: dir, PATH: `${dir}/bin:${process.env.PATH}` };
    };
    const noSecret = (dir: string, run: Run) => {
      for (const text of [
        run.stdout,
        run.stderr,
        fs.existsSync(path.join(dir, 'xdf.lock')) ? read(dir, 'xdf.lock') : '',
      ]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(USER);
        expect(text).not.toContain(Buffer.from(`${USER}:${SECRET}`).toString('base64'));
      }
    };

    it('htpasswd (Basic): from auths in $DOCKER_CONFIG/config.json; refused or missing credentials are XDF073', async () => {
      const dir = project(template(PORT.htpasswd));
      const good = await xdf(dir, ['lock'], auths(dir, SECRET));
      expect([good.code, good.stdout]).toEqual([0, 'wrote xdf.lock\n']);
      expect(lockOf(dir)[`127.0.0.1:${PORT.htpasswd}/xdf/multi:1.0 linux/arm64`].digest).toBe(
        served(`${REG}/xdf/multi:1.0`).byPlatform['linux/arm64'],
      );
      noSecret(dir, good);
      const bad = await xdf(dir, ['lock', '--update'], auths(dir, 'wrong-pw'));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        new RegExp(
          `^Dockerfile.tpl:1:6: error XDF073: registry 127.0.0.1:${PORT.htpasswd} refused our credentials\n`,
        ),
      );
      noSecret(dir, bad);
      const none = await xdf(dir, ['lock', '--update'], {
        DOCKER_CONFIG: path.join(dir, 'absent'),
      });
      expect(none.stderr).toMatch(
        /error XDF073: registry 127.0.0.1:5111 needs a login\nhint: docker login 127.0.0.1:5111/,
      );
    });

    it("token auth: anonymous pull; a credential helper's login reaches the realm; a refused one is XDF073", async () => {
      const dir = project(template(PORT.token));
      issued.length = 0;
      const anonymous = await xdf(dir, ['lock'], { DOCKER_CONFIG: path.join(dir, 'absent') });
      expect(anonymous.code, anonymous.stderr).toBe(0);
      expect(issued).toEqual([{ user: '', scope: 'repository:xdf/multi:pull' }]);
      issued.length = 0;
      const withHelper = await xdf(dir, ['lock', '--update'], helper(dir, SECRET));
      expect(withHelper.code, withHelper.stderr).toBe(0);
      expect(issued).toEqual([{ user: USER, scope: 'repository:xdf/multi:pull' }]);
      noSecret(dir, withHelper);
      fs.rmSync(path.join(dir, 'bin'), { recursive: true });
      const refused = await xdf(dir, ['lock', '--update'], helper(dir, 'not-it'));
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /error XDF073: registry 127.0.0.1:5112 refused our credentials/,
      );
      noSecret(dir, refused);
    });
  });

  describe('network manners, through a fault-injecting proxy', () => {
    const PROXIED = `127.0.0.1:${PORT.proxy}`;

    it('429 with Retry-After: waits as told, then locks', async () => {
      const dir = project({
        'Dockerfile.tpl': `FROM ${PROXIED}/xdf/multi:1.0\n`,
        'xdf.yaml': 'arches: [arm64v8]\nimages: { "127.0.0.1:*/*": { strategy: platform } }\n',
      });
      proxy.tooMany = 2;
      proxy.seen = [];
      const run = await xdf(dir, ['lock']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.ms).toBeGreaterThanOrEqual(2000); // two answers of Retry-After: 1
      expect(
        proxy.seen.filter((s) => s.startsWith('HEAD /v2/xdf/multi/manifests/1.0')),
      ).toHaveLength(3);
    });

    it('a stalled answer times out with XDF073 after --timeout', async () => {
      const dir = project({
        'Dockerfile.tpl': `FROM ${PROXIED}/xdf/multi:1.0\n`,
        'xdf.yaml': 'arches: [arm64v8]\nimages: { "127.0.0.1:*/*": { strategy: platform } }\n',
      });
      proxy.stall = '/manifests/';
      try {
        const run = await xdf(dir, ['lock', '--timeout', '1']);
        expect(run.code).toBe(2);
        expect(run.ms).toBeLessThan(6000);
        expect(run.stderr).toMatch(
          new RegExp(
            `^Dockerfile.tpl:1:6: error XDF073: registry ${PROXIED} cannot be reached: no answer within 1 s\n`,
          ),
        );
      } finally {
        proxy.stall = '';
      }
    });

    it('at most 8 requests in flight, each reference asked once, HEAD before GET', async () => {
      const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
      for (const t of tags)
        await pushList(
          PUSH,
          'xdf/many',
          t,
          (await pushMultiArch(PUSH, 'xdf/many', `${t}-src`, THREE, { seed: t })).images,
        );
      const dir = project({
        'Dockerfile.tpl': tags.map((t) => `FROM ${PROXIED}/xdf/many:${t} AS s${t}\n`).join(''),
        'xdf.yaml':
          'arches: [amd64, arm32v7, arm64v8]\nlock: { host: true }\nimages: { "127.0.0.1:*/*": { strategy: platform } }\n',
      });
      proxy.seen = [];
      proxy.maxInFlight = 0;
      proxy.delayMs = 150;
      try {
        const run = await xdf(dir, ['lock']);
        expect(run.code, run.stderr).toBe(0);
      } finally {
        proxy.delayMs = 0;
      }
      expect(proxy.maxInFlight).toBe(8);
      const heads = proxy.seen.filter((s) => s.startsWith('HEAD'));
      expect(heads).toHaveLength(12); // 12 tags x 3 platforms: one HEAD per tag
      expect(new Set(proxy.seen).size).toBe(proxy.seen.length); // no request twice
      // one GET per list, by digest; then each entry taken is checked against the platform it
      // claims: its manifest and its image config, once each
      expect(
        proxy.seen.filter((s) => /^GET \/v2\/xdf\/many\/manifests\/sha256:/.test(s)),
      ).toHaveLength(12 + 36);
      expect(proxy.seen.filter((s) => /^GET \/v2\/xdf\/many\/blobs\/sha256:/.test(s))).toHaveLength(
        36,
      );
      expect(proxy.seen.filter((s) => s.startsWith('GET'))).toHaveLength(12 + 36 + 36);
    });
  });
});
