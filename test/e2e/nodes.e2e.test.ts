// Builds across several machines, with the real engines of setup-engines.sh: an arch built on a
// second dockerd (the arm64 node) through its docker context, or on a podman service through its
// connection; lists made from per-arch tags that are themselves indexes, by every path of the
// manifest flow; and `xdf doctor` against the builders of this host. Lists are read back with
// `skopeo inspect --raw` from the loopback registry.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MEDIA, pushImage } from './oci-push.js';

const ROOT = path.resolve(__dirname, '../..');
const XDF = `${process.execPath} ${path.join(ROOT, 'bin/xdf.cjs')}`;
const DOCKER20 = '/usr/bin/docker'; // Debian's 20.10 CLI: contexts, no OCI indexes
const DOCKER28 = '/usr/local/bin/docker'; // reads OCI indexes; no buildx in the default config
const ENGINES_FILE = '/var/lib/xdf-e2e/engines.env';
const ARCHES = ['amd64', 'arm32v7', 'arm64v8'];
const PLATFORMS = ['linux/amd64', 'linux/arm/v7', 'linux/arm64'];

const problem = inject('e2eProblem');
const engines: Record<string, string> = fs.existsSync(ENGINES_FILE)
  ? Object.fromEntries(
      fs
        .readFileSync(ENGINES_FILE, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    )
  : {};
const REGISTRY = engines.XDF_E2E_REGISTRY;
const ARM_CONTEXT = engines.XDF_E2E_ARM_CONTEXT;
const PODMAN_CONNECTION = engines.XDF_E2E_PODMAN_CONNECTION;
const BUILDX_CONFIG = engines.XDF_E2E_BUILDX_CONFIG;
const skip = !!problem || !REGISTRY || !fs.existsSync(DOCKER28);
if (skip && process.env.CI && !problem) throw new Error(`no ${ENGINES_FILE} or ${DOCKER28}`);
// Repositories of this run only: the registry outlives it and other runs share it.
const RUN = `nodes${Date.now().toString(36)}`;

const ENV: NodeJS.ProcessEnv = { ...process.env, DOCKER_BUILDKIT: '0' };
for (const k of ['DOCKER', 'XDF', 'XDF_BUILD_FLAGS', 'XDF_PUSH_FLAGS', 'XDF_MANIFEST_FLAGS'])
  delete ENV[k];
delete ENV.MAKEFLAGS;
delete ENV.DOCKER_CONFIG;

/** Runs a command; an env value of undefined removes that variable. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const merged = { ...ENV, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: merged, maxBuffer: 64 << 20 });
}
function ok(r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const xdf = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [path.join(ROOT, 'bin/xdf.cjs'), ...args], cwd, env);
function timed<T>(label: string, fn: () => T): T {
  const start = Date.now();
  try {
    return fn();
  } finally {
    console.log(`${label}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
}

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-nodes-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

interface Entry {
  digest: string;
  platform: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}
/** The entries of a list, read back by skopeo. */
function listEntries(ref: string): Entry[] {
  const raw = ok(run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], '/'));
  const list = JSON.parse(raw) as { manifests?: Entry[] };
  expect(list.manifests, `${ref} is a list`).toBeDefined();
  return list.manifests!;
}
/** The platforms of a list's images (attestations, unknown/unknown, left out), sorted; arm64's
 * v8 is what arm64 means. */
const platformsOf = (entries: Entry[]) =>
  entries
    .filter((e) => e.platform.os !== 'unknown')
    .map(({ platform: p }) =>
      [p.os, p.architecture, p.architecture === 'arm64' ? '' : p.variant].filter(Boolean).join('/'),
    )
    .sort();
const exists = (ref: string) =>
  run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], '/').status === 0;

/** A private podman store (runc, as this sandbox needs), with the base images. */
function podmanStore(): NodeJS.ProcessEnv {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-podman-'));
  fs.writeFileSync(
    path.join(store, 'storage.conf'),
    '[storage]\ndriver = "overlay"\n' + `runroot = "${store}/run"\ngraphroot = "${store}/graph"\n`,
  );
  // Its own containers.conf replaces the system's: the node's connection goes in it too.
  fs.writeFileSync(
    path.join(store, 'containers.conf'),
    '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' +
      `[engine.service_destinations.${PODMAN_CONNECTION}]\nuri = "${engines.XDF_E2E_PODMAN_HOST}"\n`,
  );
  const env = {
    CONTAINERS_STORAGE_CONF: path.join(store, 'storage.conf'),
    CONTAINERS_CONF: path.join(store, 'containers.conf'),
  };
  const bases = 'busybox:stable arm32v7/busybox:stable arm64v8/busybox:stable';
  ok(run('sh', ['-c', `${DOCKER20} save ${bases} | podman load -q`], '/', env));
  return env;
}
const podmanReset = (env: NodeJS.ProcessEnv) =>
  run('podman', ['system', 'reset', '--force'], '/', env);
// This sandbox refuses podman's default rlimits.
const PODMAN_RUN = [
  '--network',
  'none',
  '--ulimit',
  'nofile=1024:1024',
  '--ulimit',
  'nproc=1024:1024',
];

const TEMPLATE = `FROM busybox:stable
COPY msg /msg
RUN uname -m > /uname && echo "{{arch}}" > /xdf
CMD ["cat", "/uname", "/xdf", "/msg"]
`;

describe.skipIf(skip)('builds across several machines, with the real engines', () => {
  it('per-arch node: make builds and pushes arm64v8 through its docker context, the others here; one list of every platform', () => {
    const image = `${REGISTRY}/${RUN}/docker-node`;
    const dir = project({
      'Dockerfile.tpl': TEMPLATE,
      msg: 'one\n',
      'xdf.yaml':
        `arches: [${ARCHES.join(', ')}]\n` +
        `matrix: { formats: [make, manifest], image: ${image} }\n` +
        `native: { arm64v8: { runner: ubuntu-24.04-arm, context: ${ARM_CONTEXT} } }\n`,
    });
    ok(xdf(dir, ['generate']));
    // The main dockerd has no bridge: RUN takes the host's network (the node has its own bridge).
    const make = (...goals: string[]) =>
      run('make', ['-f', 'xdf.mk', `XDF=${XDF}`, `DOCKER=${DOCKER20}`, ...goals], dir, {
        XDF_BUILD_FLAGS: '--network host',
        XDF_MANIFEST_FLAGS: '--insecure',
      });
    const made = timed('node (docker context): make build push manifest', () =>
      ok(make('build', 'push', 'manifest')),
    );
    expect(made).toContain(`${DOCKER20} --context ${ARM_CONTEXT} build`);
    expect(made).toContain(`${DOCKER20} --context ${ARM_CONTEXT} push`);
    expect(platformsOf(listEntries(`${image}:latest`))).toEqual(PLATFORMS);
    expect(listEntries(`${image}:latest`)).toHaveLength(3);
    // Where each image was built: arm64v8 on the node only, the others here only.
    const on = (context: string, arch: string) =>
      run(DOCKER20, ['--context', context, 'image', 'inspect', `${image}:${arch}`], '/').status ===
      0;
    expect(ARCHES.map((a) => [a, on('default', a), on(ARM_CONTEXT, a)])).toEqual([
      ['amd64', true, false],
      ['arm32v7', true, false],
      ['arm64v8', false, true],
    ]);
    // The node's image runs there: built for arm64, with no emulator copied in (native).
    const arm = ok(
      run(DOCKER20, ['--context', ARM_CONTEXT, 'run', '--rm', `${image}:arm64v8`], '/'),
    );
    expect(arm.trim().split('\n')).toEqual(['aarch64', 'arm64v8', 'one']);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile.arm64v8'), 'utf8')).not.toContain('qemu');

    // Nothing changed: nothing builds. A file of the context changed: each image builds again,
    // arm64v8 on its node, and the list holds the new images.
    expect(ok(make('build'))).not.toMatch(/ build /);
    fs.writeFileSync(path.join(dir, 'msg'), 'two\n');
    const again = timed('node: make after a context edit', () =>
      ok(make('build', 'push', 'manifest')),
    );
    expect(again.match(/^\S+docker( --context \S+)? build /gm)).toHaveLength(3);
    const arm2 = ok(
      run(DOCKER20, ['--context', ARM_CONTEXT, 'run', '--rm', `${image}:arm64v8`], '/'),
    );
    expect(arm2.trim().split('\n')[2]).toBe('two');
    expect(platformsOf(listEntries(`${image}:latest`))).toEqual(PLATFORMS);
  });

  it('per-arch node with podman: make builds and pushes arm64v8 through its podman connection', () => {
    const env = podmanStore();
    try {
      const image = `${REGISTRY}/${RUN}/podman-node`;
      const dir = project({
        'Dockerfile.tpl': TEMPLATE,
        msg: 'podman\n',
        'xdf.yaml':
          `arches: [${ARCHES.join(', ')}]\n` +
          `matrix: { formats: [make], engine: podman, image: ${image} }\n` +
          `native: { arm64v8: { context: ${PODMAN_CONNECTION} } }\n`,
      });
      ok(xdf(dir, ['generate']));
      const made = timed('node (podman connection): make build push manifest', () =>
        ok(
          run('make', ['-f', 'xdf.mk', `XDF=${XDF}`, 'build', 'push', 'manifest'], dir, {
            ...env,
            XDF_PUSH_FLAGS: '--tls-verify=false',
            XDF_MANIFEST_FLAGS: '--tls-verify=false',
          }),
        ),
      );
      expect(made).toContain(`podman --connection ${PODMAN_CONNECTION} build`);
      expect(made).toContain(`podman --connection ${PODMAN_CONNECTION} push`);
      expect(platformsOf(listEntries(`${image}:latest`))).toEqual(PLATFORMS);
      // arm64v8 lives in the node's store, not in this one.
      const local = (arch: string) =>
        run('podman', ['image', 'exists', `${image}:${arch}`], '/', env).status === 0;
      expect(ARCHES.map(local)).toEqual([true, true, false]);
      const remote = run(
        'podman',
        ['--connection', PODMAN_CONNECTION!, 'image', 'exists', `${image}:arm64v8`],
        '/',
      );
      expect(remote.status).toBe(0);
      const out = ok(
        run(
          'podman',
          ['run', '--rm', '--tls-verify=false', ...PODMAN_RUN, `${image}:arm64v8`],
          '/',
          env,
        ),
      );
      expect(out.trim().split('\n')).toEqual(['aarch64', 'arm64v8', 'podman']);
    } finally {
      podmanReset(env);
    }
  });

  describe('one list whatever the per-arch tags are: each tag an index', () => {
    const repo = `${RUN}/indexes`;
    const image = `${REGISTRY}/${repo}`;
    let env: NodeJS.ProcessEnv = {};
    let dir = '';
    const tagOf = (arch: string) => `${image}:${arch}`;

    /** A project whose per-arch tags are the indexes pushed below, its list under LIST_TAG. */
    const flows = (engine: 'docker' | 'podman', listTag: string) => {
      const d = project({
        'Dockerfile.tpl': 'FROM busybox:stable\n',
        'xdf.yaml':
          `arches: [${ARCHES.join(', ')}]\n` +
          `matrix: { formats: [make, manifest, gitlab], engine: ${engine}, image: ${image}, list_tag: ${listTag} }\n`,
      });
      ok(xdf(d, ['generate']));
      return d;
    };

    beforeAll(async () => {
      env = podmanStore();
      dir = project({
        'Dockerfile.tpl': TEMPLATE,
        msg: 'index\n',
        'xdf.yaml': `arches: [${ARCHES.join(', ')}]\n`,
      });
      ok(xdf(dir, ['generate', '--stage-qemu']));
      timed('three per-arch indexes (podman manifest push; buildx-style attestation)', () => {
        // amd64 and arm32v7: one-entry OCI indexes, as podman manifest push makes them.
        for (const [arch, platform] of [
          ['amd64', 'linux/amd64'],
          ['arm32v7', 'linux/arm/v7'],
        ]) {
          ok(
            run(
              'podman',
              [
                'build',
                '-q',
                '--platform',
                platform,
                '--manifest',
                `idx-${arch}`,
                '-f',
                `Dockerfile.${arch}`,
                '.',
              ],
              dir,
              env,
            ),
          );
          ok(
            run(
              'podman',
              [
                'manifest',
                'push',
                '--all',
                '--tls-verify=false',
                `idx-${arch}`,
                `docker://${tagOf(arch)}`,
              ],
              dir,
              env,
            ),
          );
        }
        // arm64v8: its image, then an index of it and a provenance attestation, as buildx pushes.
        ok(
          run(
            'podman',
            [
              'build',
              '-q',
              '--platform',
              'linux/arm64',
              '-t',
              `${image}:arm64v8-image`,
              '-f',
              'Dockerfile.arm64v8',
              '.',
            ],
            dir,
            env,
          ),
        );
        ok(run('podman', ['push', '-q', '--tls-verify=false', `${image}:arm64v8-image`], dir, env));
      });
      const base = `http://${REGISTRY}`;
      const got = await fetch(`${base}/v2/${repo}/manifests/arm64v8-image`, {
        headers: { accept: `${MEDIA.ociManifest}, ${MEDIA.dockerManifest}` },
      });
      const body = Buffer.from(await got.arrayBuffer());
      const digest = `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;
      const attestation = await pushImage(
        base,
        repo,
        'arm64v8-attestation',
        { os: 'unknown', architecture: 'unknown' },
        { oci: true },
      );
      const index = {
        schemaVersion: 2,
        mediaType: MEDIA.ociIndex,
        manifests: [
          {
            mediaType: got.headers.get('content-type'),
            digest,
            size: body.length,
            platform: { architecture: 'arm64', os: 'linux' },
          },
          {
            mediaType: attestation.mediaType,
            digest: attestation.digest,
            size: attestation.size,
            annotations: {
              'vnd.docker.reference.digest': digest,
              'vnd.docker.reference.type': 'attestation-manifest',
            },
            platform: { architecture: 'unknown', os: 'unknown' },
          },
        ],
      };
      const put = await fetch(`${base}/v2/${repo}/manifests/arm64v8`, {
        method: 'PUT',
        body: JSON.stringify(index),
        headers: { 'content-type': MEDIA.ociIndex },
      });
      expect(put.status).toBe(201);
      for (const arch of ARCHES) expect(listEntries(tagOf(arch)).length).toBeGreaterThanOrEqual(1);
      // The documented flow as it was: one `docker manifest create` of the tags stops here.
      const before = run(
        DOCKER28,
        ['manifest', 'create', '--insecure', `${image}:old`, ...ARCHES.map(tagOf)],
        '/',
      );
      expect(before.status).not.toBe(0);
      expect(before.stderr).toContain('is a manifest list');
    });
    afterAll(() => podmanReset(env));

    /** The images of the list: one per platform, the very images the tags hold. */
    const expectOneList = (list: string) => {
      const entries = listEntries(list);
      expect(platformsOf(entries), list).toEqual(PLATFORMS);
      const images = entries.filter((e) => e.platform.os !== 'unknown');
      expect(images).toHaveLength(3);
      for (const arch of ARCHES) {
        const own = listEntries(tagOf(arch)).find((e) => e.platform.os === 'linux')!;
        expect(images.map((e) => e.digest)).toContain(own.digest);
      }
    };
    const sh = (d: string, e: NodeJS.ProcessEnv) => run('sh', ['./xdf-manifest.sh'], d, e);
    const makeManifest = (d: string, e: NodeJS.ProcessEnv) =>
      run('make', ['-f', 'xdf.mk', `XDF=${XDF}`, 'manifest'], d, e);
    /** The GitLab job's script, run as GitLab runs it: its entries in one shell, -e. */
    const gitlabJob = (d: string, e: NodeJS.ProcessEnv, bin: string) => {
      const jobs = parseYaml(fs.readFileSync(path.join(d, 'xdf-gitlab.yml'), 'utf8'));
      const script = (jobs['xdf-manifest'].script as string[]).join('\n');
      const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-bin-'));
      fs.symlinkSync(bin, path.join(fake, path.basename(bin) === 'podman' ? 'podman' : 'docker'));
      return run('sh', ['-e', '-c', script], d, { ...e, PATH: `${fake}:${process.env.PATH}` });
    };

    it('docker with buildx (imagetools create): the script, make and the GitLab job', () => {
      const buildx = { DOCKER_CONFIG: BUILDX_CONFIG, DOCKER: DOCKER20 };
      for (const [name, go] of [
        ['script', (d: string) => sh(d, buildx)],
        ['make', (d: string) => makeManifest(d, buildx)],
        ['gitlab', (d: string) => gitlabJob(d, { DOCKER_CONFIG: BUILDX_CONFIG }, DOCKER20)],
      ] as const) {
        const d = flows('docker', `buildx-${name}`);
        const r = timed(`indexes, docker + buildx: ${name}`, () => go(d));
        expect(r.status, r.stdout + r.stderr).toBe(0);
        expectOneList(`${image}:buildx-${name}`);
        // imagetools keeps the attestation beside its image
        expect(
          listEntries(`${image}:buildx-${name}`).filter((e) => e.platform.os === 'unknown'),
        ).toHaveLength(1);
      }
    });

    it('docker 28 without buildx (each platform taken out of its index): the script, make and the GitLab job', () => {
      const plain = { DOCKER: DOCKER28, XDF_MANIFEST_FLAGS: '--insecure' };
      for (const [name, go] of [
        ['script', (d: string) => sh(d, plain)],
        ['make', (d: string) => makeManifest(d, plain)],
        ['gitlab', (d: string) => gitlabJob(d, { XDF_MANIFEST_FLAGS: '--insecure' }, DOCKER28)],
      ] as const) {
        const d = flows('docker', `digests-${name}`);
        const r = timed(`indexes, docker 28 without buildx: ${name}`, () => go(d));
        expect(r.status, r.stdout + r.stderr).toBe(0);
        expectOneList(`${image}:digests-${name}`);
        expect(listEntries(`${image}:digests-${name}`)).toHaveLength(3);
      }
    });

    it('docker 20.10 without buildx cannot read OCI indexes: a clear error, and no list at all', () => {
      const d = flows('docker', 'debian-cli');
      const r = sh(d, { DOCKER: DOCKER20, XDF_MANIFEST_FLAGS: '--insecure' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(
        `xdf-manifest.sh: cannot read ${tagOf('amd64')}: not pushed, or an OCI index that this docker CLI cannot read (Debian's docker 20.10 cannot)`,
      );
      expect(exists(`${image}:debian-cli`)).toBe(false);
    });

    it('podman: buildah picks each platform; without buildah, --all and the check: the script, make and the GitLab job', () => {
      const flags = { ...env, XDF_MANIFEST_FLAGS: '--tls-verify=false' };
      // A PATH without buildah: the tools the flows call, and podman.
      const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-nobuildah-'));
      for (const tool of ['podman', 'make', 'sh', 'awk', 'tr', 'cat', 'grep', 'head'])
        fs.symlinkSync(
          ok(run('sh', ['-c', `command -v ${tool}`], '/')).trim(),
          path.join(bare, tool),
        );
      const without = { ...flags, PATH: bare };
      for (const [name, go] of [
        ['buildah-script', (d: string) => sh(d, flags)],
        ['buildah-make', (d: string) => makeManifest(d, flags)],
        ['buildah-gitlab', (d: string) => gitlabJob(d, flags, '/usr/bin/podman')],
        ['all-script', (d: string) => run('/bin/sh', ['./xdf-manifest.sh'], d, without)],
        [
          'all-make',
          (d: string) =>
            run(path.join(bare, 'make'), ['-f', 'xdf.mk', `XDF=${XDF}`, 'manifest'], d, without),
        ],
      ] as const) {
        const d = flows('podman', name);
        const r = timed(`indexes, podman: ${name}`, () => go(d));
        expect(r.status, r.stdout + r.stderr).toBe(0);
        expectOneList(`${image}:${name}`);
        if (name.startsWith('buildah')) expect(listEntries(`${image}:${name}`)).toHaveLength(3);
        else expect(r.stdout + r.stderr).not.toMatch(/buildah/);
      }
    });
  });

  describe('xdf doctor against the builders of this host', () => {
    const config = (native: string, extra = '') =>
      `arches: [${ARCHES.join(', ')}]\nqemu: { mode: mount }\n` +
      `native: { arm64v8: { context: ${native} } }\n${extra}`;
    const CROSS =
      'FROM --platform=$BUILDPLATFORM busybox:stable AS tools\nRUN echo x > /x\n' +
      'FROM busybox:stable\nCOPY --from=tools /x /x\nRUN uname -m\n';
    let dir = '';
    beforeAll(() => {
      dir = project({ 'Dockerfile.tpl': CROSS, 'xdf.yaml': config(ARM_CONTEXT!) });
      ok(xdf(dir, ['generate', '--stage-qemu']));
    });
    const doctor = (d: string, env: NodeJS.ProcessEnv = {}) => {
      const r = xdf(d, ['doctor'], { DOCKER_BUILDKIT: undefined, ...env });
      const json = xdf(d, ['doctor', '--json'], { DOCKER_BUILDKIT: undefined, ...env });
      return { ...r, report: JSON.parse(json.stdout), jsonStatus: json.status };
    };

    it('docker 28 without buildx: RUN --mount and $BUILDPLATFORM are reported, each with its fix; exit 1', () => {
      const r = timed('doctor, no buildx', () => doctor(dir));
      expect(r.status, r.stdout).toBe(1);
      expect(r.jsonStatus).toBe(1);
      expect(r.stdout).toMatch(/^docker: client 28\.\S+, daemon 20\.10\.\S+$/m);
      expect(r.stdout).toContain('builder: legacy builder by default; BuildKit NOT available\n');
      expect(r.stdout).toContain('buildx: not installed\n');
      expect(r.stdout).toContain(`node arm64v8: docker context ${ARM_CONTEXT} answers (20.10`);
      const advice = r.stdout.split('\n').filter((l) => l.startsWith('- builder: '));
      expect(advice).toHaveLength(2);
      expect(advice[0]).toMatch(
        /^- builder: RUN --mount \(Dockerfile\.arm32v7:\d+, qemu\.mode mount\) needs BuildKit, which docker 28\S+ cannot run here: install the buildx plugin/,
      );
      expect(advice[1]).toMatch(
        /^- builder: FROM --platform=\$BUILDPLATFORM \(Dockerfile\.amd64:\d+, .*\) needs BuildKit, and docker 28\S+ builds with the legacy builder \("failed to parse platform"\): install the buildx plugin/,
      );
      expect(r.report.builder).toMatchObject({
        builder: 'legacy',
        buildkit: false,
        buildx: { version: null },
      });
      // What doctor says is what happens: BuildKit asked for, and no buildx.
      const build = run(DOCKER28, ['build', '-f', 'Dockerfile.arm32v7', '.'], dir, {
        DOCKER_BUILDKIT: '1',
      });
      expect(build.status).not.toBe(0);
      expect(build.stderr).toContain(
        'BuildKit is enabled but the buildx component is missing or broken',
      );
    });

    it('with the buildx plugin: ok, exit 0', () => {
      const r = timed('doctor, buildx', () => doctor(dir, { DOCKER_CONFIG: BUILDX_CONFIG }));
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toContain('builder: BuildKit by default; BuildKit available\n');
      expect(r.stdout).toMatch(
        /^buildx: github\.com\/docker\/buildx \S+ \S+ \(builder: docker driver, BuildKit v0\.8\S*\)$/m,
      );
      expect(r.stdout).not.toContain('\nadvice:');
    });

    it('a native context that does not answer, or does not exist; an emulator not staged', () => {
      const config2 = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-docker-config-'));
      fs.writeFileSync(path.join(config2, 'config.json'), '{}');
      fs.symlinkSync(path.join(BUILDX_CONFIG!, 'cli-plugins'), path.join(config2, 'cli-plugins'));
      ok(
        run(
          DOCKER28,
          ['context', 'create', 'dead', '--docker', 'host=unix:///run/xdf-dead-node.sock'],
          '/',
          { DOCKER_CONFIG: config2 },
        ),
      );
      const dead = project({ 'Dockerfile.tpl': CROSS, 'xdf.yaml': config('dead') });
      ok(xdf(dead, ['generate', '--stage-qemu']));
      const r = doctor(dead, { DOCKER_CONFIG: config2 });
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('- '))).toEqual([
        '- node arm64v8: the docker context dead does not answer: Cannot connect to the Docker daemon ' +
          'at unix:///run/xdf-dead-node.sock. Is the docker daemon running?: start its daemon, or ' +
          'check where it points: docker context inspect dead',
      ]);
      const unknown = project({ 'Dockerfile.tpl': CROSS, 'xdf.yaml': config('no-such') });
      ok(xdf(unknown, ['generate', '--stage-qemu']));
      const u = doctor(unknown, { DOCKER_CONFIG: config2 });
      expect(u.status).toBe(1);
      expect(u.stdout).toMatch(
        /^- node arm64v8: the docker context no-such does not answer: .*no-such.*: create it: docker context create no-such/m,
      );

      const unstaged = project({ 'Dockerfile.tpl': CROSS, 'xdf.yaml': config(ARM_CONTEXT!) });
      ok(xdf(unstaged, ['generate']));
      const s = doctor(unstaged, { DOCKER_CONFIG: BUILDX_CONFIG });
      expect(s.status).toBe(1);
      expect(s.stdout).toMatch(
        /^- emulator: qemu-arm-static is not in the build context, and Dockerfile\.arm32v7:\d+ reads it: xdf generate --stage-qemu/m,
      );
    });

    it('podman: its connection answers, an unknown one is reported', () => {
      const podman = (connection: string) =>
        project({
          'Dockerfile.tpl': 'FROM busybox:stable\nRUN true\n',
          'xdf.yaml':
            `arches: [amd64, arm64v8]\nqemu: { mode: none }\n` +
            `matrix: { formats: [make], engine: podman, image: ${REGISTRY}/${RUN}/doctor }\n` +
            `native: { arm64v8: { context: ${connection} } }\n`,
        });
      const up = doctor(podman(PODMAN_CONNECTION!));
      expect(up.status, up.stdout).toBe(0);
      expect(up.stdout).toMatch(
        new RegExp(`^node arm64v8: podman connection ${PODMAN_CONNECTION} answers \\(4\\.`, 'm'),
      );
      const down = doctor(podman('nope'));
      expect(down.status).toBe(1);
      expect(down.stdout).toMatch(
        /^- node arm64v8: the podman connection nope does not answer: .*: add it: podman system connection add nope/m,
      );
    });
  });
});
