// xdf's output built and run by the real Docker engine under QEMU user-mode emulation.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const DOCKER = '/usr/bin/docker';
const BINFMT = '/proc/sys/fs/binfmt_misc';
const ARCHES = ['amd64', 'i386', 'arm32v5', 'arm32v7', 'arm64v8', 'mips64le', 'ppc64le', 's390x'];
// What `uname -m` says under QEMU on an x86-64 kernel (ARCHES.md): not always the nominal name.
const UNAME: Record<string, string> = {
  amd64: 'x86_64',
  i386: 'x86_64',
  arm32v5: 'armv7l',
  arm32v7: 'armv7l',
  arm64v8: 'aarch64',
  mips64le: 'mips64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
};
const DEBIAN: Record<string, string> = {
  amd64: 'amd64',
  i386: 'i386',
  arm32v5: 'armel',
  arm32v7: 'armhf',
  arm64v8: 'arm64',
  mips64le: 'mips64el',
  ppc64le: 'ppc64el',
  s390x: 's390x',
};

const problem = inject('e2eProblem');

const run = (
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> =>
  spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DOCKER_BUILDKIT: '0', ...env },
  });
const ok = (r: SpawnSyncReturns<string>) => {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const xdf = (cwd: string, ...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'bin/xdf.cjs'), ...args], cwd);

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-e2e-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const TEMPLATE = `FROM busybox:stable
RUN uname -m > /uname && echo "{{arch}} {{arch.debian}} {{arch.platform}}" > /xdf
CMD ["cat", "/uname", "/xdf"]
`;

describe.skipIf(!!problem)('under QEMU with the real Docker engine', () => {
  let dir: string;
  beforeAll(() => {
    dir = project({
      'Dockerfile.tpl': TEMPLATE,
      'xdf.yaml': `arches: [${ARCHES.join(', ')}]\nmatrix: { formats: [manifest], image: 127.0.0.1:5055/xdf-e2e }\n`,
    });
    ok(xdf(dir, 'generate', '--stage-qemu'));
  });

  it.each(ARCHES)('%s: builds, runs, and reports its arch', (arch) => {
    ok(
      run(
        DOCKER,
        ['build', '-q', '-f', `Dockerfile.${arch}`, '-t', `127.0.0.1:5055/xdf-e2e:${arch}`, '.'],
        dir,
      ),
    );
    const [uname, rendered] = ok(
      run(DOCKER, ['run', '--rm', `127.0.0.1:5055/xdf-e2e:${arch}`], dir),
    )
      .trim()
      .split('\n');
    expect(uname).toBe(UNAME[arch]);
    expect(rendered.split(' ').slice(0, 2)).toEqual([arch, DEBIAN[arch]]);
  });

  it('xdf doctor on this host (F flag): every arch can build', () => {
    const r = xdf(dir, 'doctor', '--json');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(
      report.arches
        .filter((a: { emulated: boolean }) => a.emulated)
        .every((a: { fixBinary: boolean }) => a.fixBinary),
    ).toBe(true);
  });

  describe('a manifest list in a local registry', () => {
    let registry: ReturnType<typeof import('node:child_process').spawn> | undefined;
    beforeAll(async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-registry-'));
      fs.writeFileSync(
        path.join(root, 'config.yml'),
        `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\nhttp:\n  addr: 127.0.0.1:5055\n`,
      );
      const { spawn } = await import('node:child_process');
      registry = spawn('docker-registry', ['serve', path.join(root, 'config.yml')], {
        stdio: 'ignore',
      });
      for (
        let i = 0;
        i < 50 && run('sh', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/5055'], dir).status !== 0;
        i++
      )
        await new Promise((r) => setTimeout(r, 200));
    });
    afterAll(() => registry?.kill());

    it('the manifest script that xdf emits creates, annotates and pushes it', () => {
      for (const arch of ARCHES) ok(run(DOCKER, ['push', `127.0.0.1:5055/xdf-e2e:${arch}`], dir));
      ok(run('sh', ['./xdf-manifest.sh'], dir, { DOCKER, XDF_MANIFEST_FLAGS: '--insecure' }));
      const list = JSON.parse(
        ok(
          run(DOCKER, ['manifest', 'inspect', '--insecure', '127.0.0.1:5055/xdf-e2e:latest'], dir),
        ),
      );
      const platforms = list.manifests.map(
        (m: { platform: { os: string; architecture: string; variant?: string } }) => [
          m.platform.os,
          m.platform.architecture,
          m.platform.variant ?? '',
        ],
      );
      expect(platforms.map(String).sort()).toEqual(
        [
          ['linux', 'amd64', ''],
          ['linux', '386', ''],
          ['linux', 'arm', 'v5'],
          ['linux', 'arm', 'v7'],
          ['linux', 'arm64', 'v8'],
          ['linux', 'mips64le', ''],
          ['linux', 'ppc64le', ''],
          ['linux', 's390x', ''],
        ]
          .map(String)
          .sort(),
      );
    });
  });

  describe('a host whose aarch64 handler has no F flag', () => {
    const handler = path.join(BINFMT, 'qemu-aarch64');
    beforeAll(() => {
      const current = fs.readFileSync(handler, 'utf8');
      const field = (k: string) => new RegExp(`^${k}:? (.*)$`, 'm').exec(current)![1];
      const hex = (h: string) =>
        h
          .match(/../g)!
          .map((b) => `\\x${b}`)
          .join('');
      fs.writeFileSync(handler, '-1');
      // Classic registration: the kernel looks the interpreter up inside the container's root.
      ok(
        run(
          'sh',
          [
            '-c',
            `printf '%b' ':qemu-aarch64:M::${hex(field('magic'))}:${hex(field('mask'))}:/usr/bin/qemu-aarch64-static:' > ${BINFMT}/register`,
          ],
          '/',
        ),
      );
      expect(fs.readFileSync(handler, 'utf8')).toMatch(/^flags: $/m);
    });
    afterAll(() => {
      fs.writeFileSync(handler, '-1');
      run('update-binfmts', ['--enable', 'qemu-aarch64'], '/');
    });

    it("the build FAILS without xdf's injected COPY and PASSES with it", () => {
      const plain = project({
        'Dockerfile.tpl': TEMPLATE,
        'xdf.yaml': 'arches: [arm64v8]\nqemu: { mode: none }\n',
      });
      ok(xdf(plain, 'generate'));
      const failed = run(
        DOCKER,
        ['build', '--no-cache', '-q', '-f', 'Dockerfile.arm64v8', '.'],
        plain,
      );
      expect(failed.status).not.toBe(0);

      const injected = project({ 'Dockerfile.tpl': TEMPLATE, 'xdf.yaml': 'arches: [arm64v8]\n' });
      ok(xdf(injected, 'generate', '--stage-qemu'));
      expect(fs.readFileSync(path.join(injected, 'Dockerfile.arm64v8'), 'utf8')).toContain(
        'COPY qemu-aarch64-static /usr/bin/\n',
      );
      ok(
        run(
          DOCKER,
          [
            'build',
            '--no-cache',
            '-q',
            '-f',
            'Dockerfile.arm64v8',
            '-t',
            'xdf-e2e-nof:arm64v8',
            '.',
          ],
          injected,
        ),
      );
      expect(ok(run(DOCKER, ['run', '--rm', 'xdf-e2e-nof:arm64v8'], injected)).split('\n')[0]).toBe(
        'aarch64',
      );
    });

    it('xdf doctor: the default COPY destination fits; qemu.mode none is a blocker', () => {
      const fits = project({ 'xdf.yaml': 'arches: [arm64v8]\n' });
      const r = xdf(fits, 'doctor', '--json');
      expect(r.status, r.stdout).toBe(0);
      expect(JSON.parse(r.stdout).arches[0]).toMatchObject({
        fixBinary: false,
        interpreter: '/usr/bin/qemu-aarch64-static',
        ok: true,
      });
      const blocked = xdf(
        project({ 'xdf.yaml': 'arches: [arm64v8]\nqemu: { mode: none }\n' }),
        'doctor',
      );
      expect(blocked.status).toBe(1);
      expect(blocked.stdout).toContain('BLOCKED');
    });
  });
});
