import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatDoctor,
  runDoctor,
  type DoctorOptions,
} from '../../../src/commands/doctor/report.js';
import type { Config } from '../../../src/config/types.js';
import type {
  BuilderProbes,
  BuildxState,
  DockerVersions,
  NodeState,
} from '../../../src/host/builders.js';
import { testConfig, testMatrixConfig } from '../../helpers/config.js';

interface Engines {
  docker?: DockerVersions;
  buildx?: BuildxState;
  podman?: string | null;
  nodes?: Record<string, NodeState>;
}
/** This host's engines as doctor would find them: Debian's docker 20.10, no buildx, no podman. */
const fakeProbes = (engines: Engines = {}): BuilderProbes => ({
  docker: async () =>
    engines.docker ?? { cli: '20.10.24+dfsg1', daemon: '20.10.24+dfsg1', error: null },
  buildx: async () => engines.buildx ?? { version: null, driver: null, buildkit: null },
  podman: async () => engines.podman ?? null,
  node: async (_engine, name) => engines.nodes?.[name] ?? { ok: true, detail: '20.10.24+dfsg1' },
});
const DOCKER_OK = fakeProbes();

function fakeBinfmt(
  entries: Record<string, { interpreter: string; flags: string }>,
  status: string | null = 'enabled',
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-binfmt-'));
  if (status !== null) fs.writeFileSync(path.join(dir, 'status'), `${status}\n`);
  fs.writeFileSync(path.join(dir, 'register'), '');
  for (const [name, e] of Object.entries(entries))
    fs.writeFileSync(
      path.join(dir, name),
      `enabled\ninterpreter ${e.interpreter}\nflags: ${e.flags}\noffset 0\nmagic 7f454c46\nmask ffffffff\n`,
    );
  return dir;
}
const doctor = (binfmtDir: string, config: Partial<Config> = {}) =>
  runDoctor({
    config: testConfig({ arches: ['amd64', 'arm32v7', 'arm64v8'], ...config }),
    binfmtDir,
    probes: DOCKER_OK,
    machineArch: 'x64',
  });

describe('runDoctor', () => {
  it('F flag: every emulated arch can build, whatever the COPY destination', async () => {
    const r = await doctor(
      fakeBinfmt({
        'qemu-aarch64': { interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P', flags: 'PF' },
        'qemu-arm': { interpreter: '/usr/libexec/qemu-binfmt/arm-binfmt-P', flags: 'PF' },
      }),
    );
    expect(r.ok).toBe(true);
    expect(r.arches.map((a) => [a.arch, a.emulated, a.fixBinary, a.ok])).toEqual([
      ['amd64', false, false, true],
      ['arm32v7', true, true, true],
      ['arm64v8', true, true, true],
    ]);
  });

  it('what a binfmt_misc entry says is shown as data: no escape code or line reaches the terminal', async () => {
    const r = await doctor(
      fakeBinfmt({
        'qemu-aarch64': { interpreter: '/usr/bin/qemu\x1b[31m-aarch64', flags: 'OC\x1b]0;t\x07' },
        'qemu-arm': { interpreter: '/x\u2028hint: forged', flags: 'F' },
      }),
    );
    const text = formatDoctor(r);
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u2028]/);
    expect(text).toContain('/usr/bin/qemu\\x1b[31m-aarch64');
    expect(text.split('\n').filter((l) => l.startsWith('hint:'))).toEqual([]);
  });

  it('no F flag: the COPY destination must equal the interpreter; the advice names the key', async () => {
    const dir = fakeBinfmt({
      'qemu-aarch64': { interpreter: '/usr/bin/qemu-aarch64-static', flags: 'OC' },
      'qemu-arm': { interpreter: '/usr/libexec/qemu-binfmt/arm-binfmt-P', flags: 'P' },
    });
    const r = await doctor(dir);
    expect(r.arches.find((a) => a.arch === 'arm64v8')).toMatchObject({
      ok: true,
      copyDest: '/usr/bin/qemu-aarch64-static',
    });
    const arm = r.arches.find((a) => a.arch === 'arm32v7')!;
    expect(arm).toMatchObject({ ok: false, copyDest: '/usr/bin/qemu-arm-static' });
    expect(arm.advice).toContain('qemu.dest: /usr/libexec/qemu-binfmt/arm-binfmt-P');
    expect(r.ok).toBe(false);
    const fixed = await doctor(dir, {
      arches: ['arm32v7'],
      qemu: { mode: 'copy', dest: '/usr/libexec/qemu-binfmt/{{arch.qemu}}-binfmt-P' },
    });
    expect(fixed.ok).toBe(true);
    const none = await doctor(dir, {
      arches: ['arm64v8'],
      qemu: { mode: 'none', dest: '/usr/bin/' },
    });
    expect(none.arches[0]).toMatchObject({ ok: false });
    expect(none.arches[0].advice).toContain('mode: copy');
  });

  it('a missing handler, or binfmt_misc not mounted, blocks emulated arches only', async () => {
    const r = await doctor(fakeBinfmt({ 'qemu-aarch64': { interpreter: '/x', flags: 'F' } }), {
      native: {},
    });
    expect(r.arches.map((a) => a.ok)).toEqual([true, false, true]);
    expect(r.arches[1].advice).toContain('qemu-user-static');
    const unmounted = await doctor(fakeBinfmt({}, null));
    expect(unmounted.binfmt.mounted).toBe(false);
    expect(unmounted.arches.map((a) => a.ok)).toEqual([true, false, false]);
    expect(formatDoctor(unmounted)).toContain('binfmt_misc: NOT MOUNTED');
  });

  it('native arches need no handler; a machine unlike the host is reported', async () => {
    const r = await runDoctor({
      config: testConfig({ arches: ['arm64v8'], native: { arm64v8: { runner: 'arm' } } }),
      binfmtDir: fakeBinfmt({}),
      probes: DOCKER_OK,
      machineArch: 'arm64',
    });
    expect(r.arches[0]).toMatchObject({ emulated: false, ok: true, note: 'native runner' });
    expect(r.machine).toBe('arm64v8');
    expect(formatDoctor(r)).toContain('this machine is arm64v8');
  });

  it('no docker daemon is a blocker with advice', async () => {
    const r = await runDoctor({
      config: testConfig({ arches: ['amd64'] }),
      binfmtDir: fakeBinfmt({}),
      probes: fakeProbes({
        docker: { cli: '20.10.24', daemon: null, error: 'Cannot connect to the Docker daemon' },
      }),
      machineArch: 'x64',
    });
    expect(r.ok).toBe(false);
    expect(formatDoctor(r)).toContain('start the daemon');
  });
});

describe('the builder against what the outputs need', () => {
  const A64 = 'arm64v8';
  const MOUNT =
    'FROM arm64v8/busybox\nRUN --mount=type=bind,source=qemu-aarch64-static,target=/usr/bin/qemu-aarch64-static true\n';
  const CROSS =
    'FROM --platform=$BUILDPLATFORM golang AS build\nRUN go build\nFROM arm64v8/alpine\n';
  const COPY = 'FROM arm64v8/busybox\nCOPY qemu-aarch64-static /usr/bin/\nRUN true\n';
  const context = (files: string[] = []) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-doctor-ctx-'));
    for (const f of files) fs.writeFileSync(path.join(dir, f), '');
    return dir;
  };
  const doctorOf = (
    content: string | null,
    engines: Engines = {},
    options: Omit<Partial<DoctorOptions>, 'config'> & {
      config?: Partial<Config>;
      staged?: string[];
    } = {},
  ) => {
    const dir = context(options.staged ?? ['qemu-aarch64-static']);
    return runDoctor({
      config: testConfig({
        arches: [A64],
        qemu: { mode: 'mount', dest: '/usr/bin/' },
        ...options.config,
      }),
      binfmtDir: fakeBinfmt({
        'qemu-aarch64': { interpreter: '/usr/bin/qemu-aarch64-static', flags: 'F' },
      }),
      outputs: {
        files:
          content === null
            ? []
            : [{ path: path.join(dir, 'Dockerfile.arm64v8'), content, context: dir }],
      },
      probes: fakeProbes(engines),
      env: options.env ?? {},
      show: (f) => path.basename(f),
      machineArch: 'x64',
    });
  };
  const advice = (r: Awaited<ReturnType<typeof runDoctor>>) =>
    formatDoctor(r)
      .split('\n')
      .filter((l) => l.startsWith('- '));
  const CLI28 = { cli: '28.2.2', daemon: '20.10.24+dfsg1', error: null };
  const BUILDX = {
    version: 'github.com/docker/buildx 0.13.1',
    driver: 'docker',
    buildkit: 'v0.8+unknown',
  };

  it('RUN --mount with a docker CLI of 23 or later and no buildx: a blocker, fixed by installing it', async () => {
    const r = await doctorOf(MOUNT, { docker: CLI28 });
    expect(r.ok).toBe(false);
    expect(r.builder).toMatchObject({ builder: 'legacy', buildkit: false });
    expect(advice(r)).toEqual([
      '- builder: RUN --mount (Dockerfile.arm64v8:2, qemu.mode mount) needs BuildKit, which docker ' +
        '28.2.2 cannot run here: install the buildx plugin (Debian: apt-get install docker-buildx; ' +
        'Docker’s own packages: docker-buildx-plugin): docker 23 and later run BuildKit only through it',
    ]);
    expect(formatDoctor(r)).toContain(
      'builder: legacy builder by default; BuildKit NOT available\n',
    );
    expect(formatDoctor(r)).toContain('buildx: not installed\n');
    const fixed = await doctorOf(MOUNT, { docker: CLI28, buildx: BUILDX });
    expect(fixed.ok).toBe(true);
    expect(formatDoctor(fixed)).toContain(
      'buildx: github.com/docker/buildx 0.13.1 (builder: docker driver, BuildKit v0.8+unknown)\n',
    );
  });

  it('RUN --mount with docker 20.10: BuildKit runs under DOCKER_BUILDKIT=1 (xdf.mk sets it); DOCKER_BUILDKIT=0 blocks', async () => {
    const r = await doctorOf(MOUNT);
    expect(r.ok).toBe(true);
    expect(advice(r)).toEqual([
      '- note: RUN --mount needs BuildKit: xdf.mk and the GitLab job set DOCKER_BUILDKIT=1; export it for a docker build of your own',
    ]);
    const off = await doctorOf(MOUNT, {}, { env: { DOCKER_BUILDKIT: '0' } });
    expect(off.ok).toBe(false);
    expect(advice(off)[0]).toMatch(
      /needs BuildKit, which docker 20.10.24\+dfsg1 cannot run here: unset DOCKER_BUILDKIT \(it is 0\)$/,
    );
  });

  it('FROM --platform=$BUILDPLATFORM on the legacy builder: a blocker, fixed by DOCKER_BUILDKIT=1 or buildx', async () => {
    const config = { qemu: { mode: 'copy' as const, dest: '/usr/bin/' } };
    const legacy = await doctorOf(CROSS, {}, { config });
    expect(legacy.ok).toBe(false);
    expect(advice(legacy)).toEqual([
      '- builder: FROM --platform=$BUILDPLATFORM (Dockerfile.arm64v8:1) needs BuildKit, and docker ' +
        '20.10.24+dfsg1 builds with the legacy builder ("failed to parse platform"): export DOCKER_BUILDKIT=1',
    ]);
    expect((await doctorOf(CROSS, {}, { config, env: { DOCKER_BUILDKIT: '1' } })).ok).toBe(true);
    expect(advice(await doctorOf(CROSS, { docker: CLI28 }, { config }))[0]).toContain(
      'install the buildx plugin',
    );
    expect((await doctorOf(CROSS, { docker: CLI28, buildx: BUILDX }, { config })).ok).toBe(true);
    // podman builds both: no builder gap
    const podman = { matrix: testMatrixConfig({ engine: 'podman' }), ...config };
    expect((await doctorOf(CROSS, { docker: CLI28, podman: '4.3.1' }, { config: podman })).ok).toBe(
      true,
    );
  });

  it('an emulator the build reads from its context and that is not staged: xdf generate --stage-qemu', async () => {
    const config = { qemu: { mode: 'copy' as const, dest: '/usr/bin/' } };
    const r = await doctorOf(COPY, {}, { config, staged: [] });
    expect(r.ok).toBe(false);
    expect(advice(r)).toEqual([
      '- emulator: qemu-aarch64-static is not in the build context, and Dockerfile.arm64v8:2 reads ' +
        'it: xdf generate --stage-qemu (xdf.mk stages it itself before its builds)',
    ]);
    expect((await doctorOf(COPY, {}, { config })).ok).toBe(true);
    // copy-from takes it from an image: nothing to stage
    const from =
      'FROM arm64v8/busybox\nCOPY --from=multiarch/qemu-user-static:x86_64-aarch64 /usr/bin/qemu-aarch64-static /usr/bin/\n';
    expect((await doctorOf(from, {}, { config, staged: [] })).ok).toBe(true);
    expect((await doctorOf(MOUNT, {}, { staged: [] })).builder.gaps.map((g) => g.what)).toEqual([
      'emulator',
    ]);
  });

  it('output.combined needs buildx on a builder that builds several platforms, or podman', async () => {
    const config = {
      qemu: { mode: 'none' as const, dest: '/usr/bin/' },
      output: {
        name: 'Dockerfile.{{arch}}',
        header: true,
        combined: 'Dockerfile.all',
      } as Config['output'],
    };
    const none = await doctorOf('FROM busybox\n', { docker: CLI28 }, { config });
    expect(none.ok).toBe(false);
    expect(advice(none)[0]).toMatch(
      /^- combined: output.combined \(Dockerfile.all\) builds every platform in one invocation: this host has neither buildx nor podman: install the buildx plugin/,
    );
    const dockerDriver = await doctorOf('FROM busybox\n', { buildx: BUILDX }, { config });
    expect(advice(dockerDriver)[0]).toContain('the buildx builder here uses the docker driver');
    expect(advice(dockerDriver)[0]).toMatch(
      /: docker buildx create --use --driver docker-container, or install podman$/,
    );
    const container = { ...BUILDX, driver: 'docker-container', buildkit: 'v0.12.5' };
    expect((await doctorOf('FROM busybox\n', { buildx: container }, { config })).ok).toBe(true);
    expect((await doctorOf('FROM busybox\n', { podman: '4.3.1' }, { config })).ok).toBe(true);
  });

  it('each native context must answer; its line says which', async () => {
    const native = { arm64v8: { runner: 'arm', context: 'arm-node' } };
    const config = { native, qemu: { mode: 'copy' as const, dest: '/usr/bin/' } };
    const up = await doctorOf('FROM busybox\n', {}, { config });
    expect(up.ok).toBe(true);
    expect(formatDoctor(up)).toContain(
      'node arm64v8: docker context arm-node answers (20.10.24+dfsg1)\n',
    );
    const dead = await doctorOf(
      'FROM busybox\n',
      {
        nodes: {
          'arm-node': {
            ok: false,
            detail:
              'Cannot connect to the Docker daemon at unix:///run/x.sock. Is the docker daemon running?',
          },
        },
      },
      { config },
    );
    expect(dead.ok).toBe(false);
    expect(advice(dead)).toEqual([
      '- node arm64v8: the docker context arm-node does not answer: Cannot connect to the Docker ' +
        'daemon at unix:///run/x.sock. Is the docker daemon running?: start its daemon, or check ' +
        'where it points: docker context inspect arm-node',
    ]);
    const unknown = await doctorOf(
      'FROM busybox\n',
      { nodes: { 'arm-node': { ok: false, detail: 'context "arm-node" does not exist' } } },
      { config },
    );
    expect(advice(unknown)[0]).toMatch(
      /: create it: docker context create arm-node --docker host=ssh:\/\/user@arm-host$/,
    );
    const podman = await doctorOf(
      'FROM busybox\n',
      {
        podman: '4.3.1',
        nodes: {
          'arm-node': {
            ok: false,
            detail:
              'Error: failed to resolve active destination: "arm-node" service destination not found',
          },
        },
      },
      { config: { ...config, matrix: testMatrixConfig({ engine: 'podman' }) } },
    );
    expect(advice(podman)[0]).toMatch(
      /^- node arm64v8: the podman connection arm-node does not answer: .*: add it: podman system connection add arm-node/,
    );
  });

  it('with matrix.engine podman, podman is the engine: no docker is no blocker, no podman is', async () => {
    const config = {
      matrix: testMatrixConfig({ engine: 'podman' }),
      qemu: { mode: 'none' as const, dest: '/usr/bin/' },
    };
    const noDocker = { docker: { cli: null, daemon: null, error: 'docker is not installed' } };
    expect((await doctorOf(null, { ...noDocker, podman: '4.3.1' }, { config })).ok).toBe(true);
    const r = await doctorOf(null, noDocker, { config });
    expect(r.ok).toBe(false);
    expect(advice(r)).toEqual([
      '- podman: matrix.engine is podman, and podman is not installed: install podman (Debian: apt-get install podman)',
    ]);
  });

  it('--json carries the builder: versions, what the outputs need, each gap', async () => {
    const r = JSON.parse(JSON.stringify(await doctorOf(MOUNT, { docker: CLI28 })));
    expect(r.builder).toMatchObject({
      engine: 'docker',
      docker: CLI28,
      builder: 'legacy',
      buildkit: false,
      buildx: { version: null },
      podman: null,
      needs: [{ need: 'buildkit', why: 'RUN --mount (Dockerfile.arm64v8:2)' }],
      gaps: [{ what: 'builder', blocker: true }],
    });
    expect(r.outputs).toEqual({ scanned: true, note: null });
  });
});
