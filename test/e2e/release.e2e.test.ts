// From template to pushed multi-arch images with the real clients (issue 11): GNU make + docker,
// BuildKit with qemu.mode mount on a host whose handlers have no F flag, podman, the README's
// GitHub build step, and GitLab's jobs run by gitlab-ci-local. Every path builds amd64, arm32v7
// and arm64v8, runs the images and reads the manifest list back from a registry on loopback.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const DOCKER = '/usr/bin/docker'; // the 20.10 CLI: the newer one on PATH has no buildx
const REGISTRY = '127.0.0.1:5201';
const XDF = `${process.execPath} ${path.join(ROOT, 'bin/xdf.cjs')}`;
const ARCHES = ['amd64', 'arm32v7', 'arm64v8'];
const UNAME: Record<string, string> = { amd64: 'x86_64', arm32v7: 'armv7l', arm64v8: 'aarch64' };
const PLATFORMS = ['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8'];
const BINFMT = '/proc/sys/fs/binfmt_misc';
const problem = inject('e2eProblem');

// `docker` on PATH is the 20.10 CLI too, for the scripts that call it by name (GitLab, GitHub).
const BIN = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-e2e-bin-'));
fs.symlinkSync(DOCKER, path.join(BIN, 'docker'));
const ENV: NodeJS.ProcessEnv = { ...process.env, DOCKER_BUILDKIT: '0' };
ENV.PATH = `${BIN}:${process.env.PATH}`;
const INHERITED = ['DOCKER', 'XDF', 'XDF_BUILD_FLAGS', 'XDF_PUSH_FLAGS', 'XDF_MANIFEST_FLAGS'];
for (const k of [...INHERITED, 'MAKEFLAGS']) delete ENV[k];

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
const xdf = (cwd: string, ...args: string[]) =>
  ok(run(process.execPath, [path.join(ROOT, 'bin/xdf.cjs'), ...args], cwd));
function timed<T>(label: string, fn: () => T): T {
  const start = Date.now();
  try {
    return fn();
  } finally {
    console.log(`${label}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
}

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-release-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const template = (app: string) => `FROM busybox:stable
RUN uname -m > /uname && echo "${app} {{arch}}" > /xdf
CMD ["cat", "/uname", "/xdf"]
`;
const arches = `arches: [${ARCHES.join(', ')}]\n`;

const LIST_TYPES = [
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
];
interface List {
  manifests: { platform: { os: string; architecture: string; variant?: string } }[];
}

/** The platforms of a manifest list, read back from the registry over its HTTP API. */
async function listPlatforms(repo: string, tag = 'latest'): Promise<string[]> {
  const url = `http://${REGISTRY}/v2/${repo}/manifests/${tag}`;
  const response = await fetch(url, { headers: { accept: LIST_TYPES.join(', ') } });
  expect(response.status, `${repo}:${tag}`).toBe(200);
  const list = (await response.json()) as List;
  return list.manifests
    .map(({ platform: p }) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
    .sort();
}

/** `uname -m` and xdf's line from each arch's image. */
function runImages(
  image: string,
  runner = (ref: string) => [DOCKER, 'run', '--rm', ref],
  env: NodeJS.ProcessEnv = {},
) {
  return Object.fromEntries(
    ARCHES.map((arch) => {
      const [cmd, ...args] = runner(`${image}:${arch}`);
      return [
        arch,
        ok(run(cmd, args, '/', env))
          .trim()
          .split('\n'),
      ];
    }),
  );
}
const expected = (app: string) =>
  Object.fromEntries(ARCHES.map((a) => [a, [UNAME[a], `${app} ${a}`]]));

/** A fenced block of the README's section. */
function readmeBlock(title: string, lang: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith(title)) ?? '';
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
  if (!block) throw new Error(`README: no ${lang} block under "${title}"`);
  return block[1];
}

describe.skipIf(!!problem)('every matrix format with its real client, up to a list', () => {
  let registry: ChildProcess | undefined;
  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-registry-'));
    const config = path.join(root, 'config.yml');
    fs.writeFileSync(
      config,
      'version: 0.1\nstorage:\n  filesystem:\n' +
        `    rootdirectory: ${root}/data\nhttp:\n  addr: ${REGISTRY}\n`,
    );
    registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      if (
        await fetch(`http://${REGISTRY}/v2/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`docker-registry did not start on ${REGISTRY}`);
  });
  afterAll(() => registry?.kill());

  it('make + docker: an image, a list per template; again, nothing; an edit, one make', async () => {
    const dir = project({
      'api/Dockerfile.tpl': template('api'),
      'web.app/Dockerfile.tpl': template('web'),
      'xdf.yaml':
        `templates: [api/Dockerfile.tpl, web.app/Dockerfile.tpl]\n${arches}` +
        `matrix: { formats: [make, bake], image: "${REGISTRY}/make/{{slug}}" }\n`,
    });
    xdf(dir, 'generate');
    const make = (...args: string[]) =>
      run('make', ['-f', 'xdf.mk', `XDF=${XDF}`, `DOCKER=${DOCKER}`, ...args], dir, {
        XDF_MANIFEST_FLAGS: '--insecure',
      });
    timed('make + docker: build push manifest (6 images)', () =>
      ok(make('-j4', 'build', 'push', 'manifest')),
    );
    expect(fs.existsSync(path.join(dir, 'api/qemu-arm-static'))).toBe(true); // a prerequisite
    expect(await listPlatforms('make/api-dockerfile')).toEqual(PLATFORMS);
    expect(await listPlatforms('make/web-app-dockerfile')).toEqual(PLATFORMS);
    expect(runImages(`${REGISTRY}/make/api-dockerfile`)).toEqual(expected('api'));
    expect(runImages(`${REGISTRY}/make/web-app-dockerfile`)).toEqual(expected('web'));
    const bake = JSON.parse(fs.readFileSync(path.join(dir, 'docker-bake.json'), 'utf8'));
    for (const name of Object.keys(bake.target)) expect(name).toMatch(/^[A-Za-z0-9_-]+$/);

    const again = ok(make('build'));
    expect(again).not.toContain('docker build');

    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(path.join(dir, '.xdf.stamp'), old, old);
    fs.writeFileSync(path.join(dir, 'api/Dockerfile.tpl'), template('api-v2'));
    const edited = ok(make('build'));
    expect(edited).toContain('wrote api/Dockerfile.arm64v8');
    expect(edited.match(/docker build/g)).toHaveLength(3); // api's three, not web's
    expect(runImages(`${REGISTRY}/make/api-dockerfile`)).toEqual(expected('api-v2'));

    // A file of web.app's build context: web's three images build again (from the cache), once.
    fs.writeFileSync(path.join(dir, 'web.app/notes.txt'), 'not copied, but in the context\n');
    const context = timed('make + docker: build after a context edit', () => ok(make('build')));
    expect(context.match(/docker build/g)).toHaveLength(3);
    expect(context).toContain(`-t ${REGISTRY}/make/web-app-dockerfile:arm64v8`);
    expect(context).not.toContain('generate');
    expect(ok(make('build'))).not.toContain('docker build');
  });

  describe('qemu.mode mount with BuildKit, on a host whose arm handlers have no F flag', () => {
    const handlers = ['qemu-aarch64', 'qemu-arm'];
    const restore = () => {
      for (const h of handlers) {
        if (fs.existsSync(path.join(BINFMT, h))) fs.writeFileSync(path.join(BINFMT, h), '-1');
        run('update-binfmts', ['--enable', h], '/');
      }
    };
    beforeAll(() => {
      for (const h of handlers) {
        const current = fs.readFileSync(path.join(BINFMT, h), 'utf8');
        const field = (k: string) => new RegExp(`^${k}:? (.*)$`, 'm').exec(current)![1];
        const hex = (s: string) =>
          s
            .match(/../g)!
            .map((b) => `\\x${b}`)
            .join('');
        fs.writeFileSync(path.join(BINFMT, h), '-1');
        // Classic registration: the kernel finds the interpreter inside the container's root.
        const entry = `:${h}:M::${hex(field('magic'))}:${hex(field('mask'))}:/usr/bin/${h}-static:`;
        ok(run('sh', ['-c', `printf '%b' '${entry}' > ${BINFMT}/register`], '/'));
        expect(fs.readFileSync(path.join(BINFMT, h), 'utf8')).toMatch(/^flags: $/m);
      }
    });
    afterAll(restore);

    it('builds through make, the emulator mounted into each RUN, in no image', async () => {
      const dir = project({
        'Dockerfile.tpl': template('mount'),
        'xdf.yaml':
          `${arches}qemu: { mode: mount }\n` +
          `matrix: { formats: [make], image: ${REGISTRY}/mount/app }\n`,
      });
      xdf(dir, 'generate');
      expect(fs.readFileSync(path.join(dir, 'Dockerfile.arm64v8'), 'utf8')).toContain(
        'RUN ' +
          '--mount=type=bind,source=qemu-aarch64-static,target=/usr/bin/qemu-aarch64-static uname',
      );
      // xdf.mk turns BuildKit on; this sandbox's dockerd has no bridge: RUN uses the host's.
      const env = {
        DOCKER_BUILDKIT: undefined,
        XDF_BUILD_FLAGS: '--network host',
        XDF_MANIFEST_FLAGS: '--insecure',
      };
      const argv = ['-f', 'xdf.mk', `XDF=${XDF}`, `DOCKER=${DOCKER}`, 'build', 'push', 'manifest'];
      timed('make + BuildKit (mount, no F flag): build push manifest', () =>
        ok(run('make', argv, dir, env)),
      );
      expect(await listPlatforms('mount/app')).toEqual(PLATFORMS);
      restore(); // an image without the emulator runs only where the kernel holds it (F flag)
      expect(runImages(`${REGISTRY}/mount/app`)).toEqual(expected('mount'));
      for (const [arch, q] of [
        ['arm32v7', 'arm'],
        ['arm64v8', 'aarch64'],
      ]) {
        const ref = `${REGISTRY}/mount/app:${arch}`;
        const listing = run(DOCKER, ['run', '--rm', ref, 'ls', `/usr/bin/qemu-${q}-static`], '/');
        expect(listing.status, listing.stdout).not.toBe(0);
      }
    });
  });

  it('podman: make and the manifest script drive podman build, push, manifest', async () => {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-podman-'));
    fs.writeFileSync(
      path.join(store, 'storage.conf'),
      '[storage]\ndriver = "overlay"\n' +
        `runroot = "${store}/run"\ngraphroot = "${store}/graph"\n`,
    );
    // runc, not crun: Debian's crun refuses a host whose cgroups are in hybrid mode.
    fs.writeFileSync(
      path.join(store, 'containers.conf'),
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n',
    );
    const env = {
      CONTAINERS_STORAGE_CONF: path.join(store, 'storage.conf'),
      CONTAINERS_CONF: path.join(store, 'containers.conf'),
      XDF_PUSH_FLAGS: '--tls-verify=false',
      XDF_MANIFEST_FLAGS: '--tls-verify=false',
    };
    try {
      const bases = 'busybox:stable arm32v7/busybox:stable arm64v8/busybox:stable';
      ok(run('sh', ['-c', `${DOCKER} save ${bases} | podman load`], '/', env));
      const dir = project({
        'Dockerfile.tpl': template('podman'),
        'xdf.yaml':
          `${arches}matrix: { formats: [make, manifest], engine: podman, ` +
          `image: ${REGISTRY}/podman/app }\n`,
      });
      xdf(dir, 'generate');
      const argv = ['-f', 'xdf.mk', `XDF=${XDF}`, 'build', 'push', 'manifest'];
      const made = timed('make + podman: build push manifest', () =>
        ok(run('make', argv, dir, env)),
      );
      expect(made).toMatch(/^podman build /m);
      // buildah, when the host has it, takes each platform out of a tag that is an index
      expect(made).toMatch(/^(buildah|podman) manifest add /m);
      expect(await listPlatforms('podman/app')).toEqual(PLATFORMS);
      ok(run('sh', ['./xdf-manifest.sh'], dir, env));
      expect(await listPlatforms('podman/app')).toEqual(PLATFORMS);
      // This sandbox refuses podman's default rlimits.
      const podmanRun = (ref: string) => [
        'podman',
        'run',
        '--rm',
        '--network',
        'none',
        '--ulimit',
        'nofile=1024:1024',
        '--ulimit',
        'nproc=1024:1024',
        ref,
      ];
      expect(runImages(`${REGISTRY}/podman/app`, podmanRun, env)).toEqual(expected('podman'));
    } finally {
      // Unmounts and removes the private store, also after a failure.
      run('podman', ['system', 'reset', '--force'], '/', env);
    }
  });

  it("GitHub Actions: the README's build step per matrix entry, then its manifest job", async () => {
    const dir = project({
      'Dockerfile.tpl':
        'FROM busybox:stable\nARG DEB\n' +
        'RUN uname -m > /uname && echo "github $DEB" > /xdf\nCMD ["cat", "/uname", "/xdf"]\n',
      'xdf.yaml':
        `${arches}matrix: { formats: [json, manifest], image: ${REGISTRY}/github/app, ` +
        'build_args: { DEB: "{{arch}}" } }\n',
    });
    xdf(dir, 'generate', '--stage-qemu'); // the workflow's staging step, after its apt-get
    type Step = { name?: string; run?: string; env?: Record<string, string> };
    const workflow = parseYaml(readmeBlock('Use in GitHub Actions', 'yaml')) as {
      jobs: Record<string, { steps: Step[] }>;
    };
    const step = workflow.jobs.build.steps.find((s) => s.name === 'build and push')!;
    const file = path.join(dir, 'xdf-matrix.json');
    const entries = JSON.parse(fs.readFileSync(file, 'utf8')).include as Record<string, unknown>[];
    timed('GitHub build steps (3 entries)', () => {
      for (const entry of entries) {
        // GitHub's expressions of this step: ${{ matrix.k }} and ${{ toJSON(matrix.k) }}.
        const value = (json: string | undefined, key: string) =>
          json ? JSON.stringify(entry[key]) : String(entry[key]);
        const env = Object.fromEntries(
          Object.entries(step.env!).map(([k, v]) => [
            k,
            v.replace(/\$\{\{ (toJSON\()?matrix\.(\w+)\)? \}\}/g, (_m, j, key) => value(j, key)),
          ]),
        );
        ok(run('bash', ['-e', '-c', step.run!], dir, env));
      }
    });
    const manifestJob = workflow.jobs.manifest.steps.map((s) => s.run).filter(Boolean);
    expect(manifestJob).toEqual(['./xdf-manifest.sh']);
    ok(run('sh', ['-c', manifestJob[0]!], dir, { XDF_MANIFEST_FLAGS: '--insecure' }));
    expect(await listPlatforms('github/app')).toEqual(PLATFORMS);
    expect(runImages(`${REGISTRY}/github/app`)).toEqual(expected('github'));
  });

  it('GitLab: the included jobs under gitlab-ci-local stage, build, push, list', async () => {
    // Stand-ins for the images the jobs name: gitlab-ci-local starts the service even in a shell.
    for (const image of ['docker:latest', 'docker:dind']) {
      ok(run(DOCKER, ['tag', 'busybox:stable', image], '/'));
    }
    const dir = project({
      'Dockerfile.tpl': template('gitlab'),
      'xdf.yaml':
        `${arches}matrix: { formats: [gitlab], image: ${REGISTRY}/gitlab/app }\n` +
        'native: { arm64v8: { runner: arm-runner } }\n',
      '.gitlab-ci.yml': readmeBlock('Use in GitLab CI', 'yaml'),
    });
    fs.rmSync(path.join(dir, '.git'), { recursive: true });
    xdf(dir, 'generate');
    const git = (...args: string[]) =>
      ok(run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], dir));
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'project');
    const gcl = path.join(ROOT, 'node_modules/.bin/gitlab-ci-local');
    const out = timed('gitlab-ci-local: build jobs and manifest job', () =>
      run(
        gcl,
        [
          '--force-shell-executor',
          '--pull-policy',
          'if-not-present',
          '--variable',
          `XDF=${XDF}`,
          '--variable',
          'XDF_MANIFEST_FLAGS=--insecure',
          '--variable',
          'DOCKER_BUILDKIT=0',
        ],
        dir,
      ),
    );
    expect(out.status, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/PASS +xdf-build: \[/);
    expect(out.stdout).toMatch(/PASS +xdf-build-native: \[/);
    expect(out.stdout).toMatch(/PASS +xdf-manifest/);
    expect(fs.existsSync(path.join(dir, 'qemu-arm-static'))).toBe(true); // the staging step ran
    expect(await listPlatforms('gitlab/app')).toEqual(PLATFORMS);
    expect(runImages(`${REGISTRY}/gitlab/app`)).toEqual(expected('gitlab'));
  });
});
