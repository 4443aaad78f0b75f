// output.combined built by a real engine: ONE podman build of the combined file for every platform,
// then, per platform, the file tree (and the image config) the combined file builds equal to what
// that arch's own Dockerfile builds. Podman, not Docker 20.10's daemon: its BuildKit expands
// TARGETARCH in FROM to the empty string.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BINFMT = '/proc/sys/fs/binfmt_misc';
const LIST = 'localhost/xdf-e2e-combined:latest';
// platform → the arch whose own Dockerfile it must equal (linux/arm64/v8: podman's TARGETVARIANT
// is v8 there, the alias stage)
const PLATFORMS: [string, string][] = [
  ['linux/amd64', 'amd64'],
  ['linux/arm64', 'arm64v8'],
  ['linux/arm/v7', 'arm32v7'],
  ['linux/arm64/v8', 'arm64v8'],
];

const problem = inject('e2eProblem');

const run = (cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
const ok = (r: SpawnSyncReturns<string>) => {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const xdf = (cwd: string, ...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'bin/xdf.cjs'), ...args], cwd);

// Multi-stage, COPY --from by name and by index, an ARG before FROM feeding a mapped FROM, image
// pins (with a reason: a header note), a {{pin}}, and parts for some arches only. The base images
// are the e2e host's busybox-static images, one per arch, tagged :stable only: the pins say so.
const TEMPLATE = `ARG BASE=busybox:stable
ARG GREETING=hello

FROM \${BASE} AS build
ARG GREETING
RUN mkdir -p /out && echo "$GREETING from {{arch}} ({{pin "flavour"}})" > /out/greeting \\
 && uname -m > /out/uname
{{#arch "arm64v8"}}
RUN echo "only on arm64v8" > /out/extra && chmod 600 /out/extra
{{else}}
RUN busybox ln -s greeting /out/link && busybox chown 1:2 /out/greeting
{{/arch}}

FROM busybox:1.36
RUN mkdir -p /data && echo tools > /data/tools && chmod 750 /data && busybox chown 3:4 /data/tools

FROM busybox:1.36 AS final
COPY --from=build /out/ /app/
COPY --from=1 /data /data
ENV GREETING_FILE=/app/greeting
WORKDIR /app
LABEL org.example.arch="{{arch}}"
USER 1000
CMD ["cat", "/app/greeting"]
`;

/** The handlers' F flag decides how RUN steps of foreign arches reach their emulator. */
function qemuConfig(): { yaml: string; stage: boolean } {
  const handlers = ['qemu-aarch64', 'qemu-arm'].map((h) =>
    fs.readFileSync(path.join(BINFMT, h), 'utf8'),
  );
  if (handlers.every((h) => /^flags: \w*F/m.test(h))) return { yaml: 'mode: none', stage: false };
  // Without F the emulator must be inside the container, at the interpreter's path.
  const interpreter = /^interpreter (\S+)$/m.exec(handlers[0])![1];
  return {
    yaml: `mode: copy, dest: "${interpreter.replace('aarch64', '{{arch.qemu}}')}"`,
    stage: true,
  };
}

interface Entry {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  content: string; // sha256 of a file, target of a symlink
}

/** Every entry under dir: names, types, modes, owners, sizes, contents, symlink targets. */
function tree(dir: string, base = dir): Entry[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      const st = fs.lstatSync(full);
      const type = st.isSymbolicLink()
        ? 'link'
        : st.isDirectory()
          ? 'dir'
          : st.isFile()
            ? 'file'
            : 'other';
      const entry: Entry = {
        path: path.relative(base, full),
        type,
        mode: st.mode,
        uid: st.uid,
        gid: st.gid,
        size: type === 'dir' ? 0 : st.size,
        content:
          type === 'link'
            ? fs.readlinkSync(full)
            : type === 'file'
              ? crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex')
              : '',
      };
      return type === 'dir' ? [entry, ...tree(full, base)] : [entry];
    });
}

describe.skipIf(!!problem)('output.combined with podman', () => {
  let dir: string;
  let store: string;
  let runroot: string;
  let podman: (...args: string[]) => SpawnSyncReturns<string>;
  const started = Date.now();

  beforeAll(() => {
    // A store of its own: nothing this file builds reaches root's store, and a failure leaves
    // nothing behind there. The base images come from root's store (test/e2e/setup-engines.sh).
    store = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-combined-podman-'));
    runroot = fs.mkdtempSync('/tmp/xdf-run-'); // podman takes a runroot of 50 characters at most
    podman = (...args) =>
      run('podman', ['--root', `${store}/root`, '--runroot', runroot, ...args], dir);
    const bases = ['busybox', 'arm32v7/busybox', 'arm64v8/busybox'].map(
      (b) => `localhost/${b}:stable`,
    );
    ok(run('podman', ['save', '-q', '-m', '-o', `${store}/bases.tar`, ...bases], '/'));
    const qemu = qemuConfig();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-e2e-combined-'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), TEMPLATE);
    fs.writeFileSync(
      path.join(dir, 'xdf.yaml'),
      [
        'arches: [amd64, arm32v7, arm64v8]',
        'images:',
        '  busybox:',
        '    amd64: { tag: stable }',
        '    arm32v7: { tag: stable }',
        '    arm64v8: { tag: stable, reason: "the e2e host has :stable only" }',
        'pins:',
        '  flavour: { default: plain, arm32v7: hard-float }',
        `qemu: { ${qemu.yaml} }`,
        'output: { combined: Dockerfile }',
        '',
      ].join('\n'),
    );
    ok(podman('load', '-q', '-i', `${store}/bases.tar`));
    ok(xdf(dir, 'generate', ...(qemu.stage ? ['--stage-qemu'] : [])));
  });

  afterAll(() => {
    if (store) {
      podman('manifest', 'rm', LIST);
      podman('rmi', '--all', '--force');
      fs.rmSync(store, { recursive: true, force: true });
      fs.rmSync(runroot, { recursive: true, force: true });
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    console.log(`combined e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('the combined file renames per arch what it must', () => {
    const combined = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(combined).toContain('ARG BASE_arm64v8=arm64v8/busybox:stable\n');
    expect(combined).toContain('COPY --from=stage-1-arm32v7 /data /data\n');
    expect(combined).toContain(
      '# xdf pin for arm64v8: busybox stable (the e2e host has :stable only)\n',
    );
    expect(combined.trimEnd().split('\n').at(-1)).toBe('FROM final-${TARGETARCH}${TARGETVARIANT}');
  });

  it('ONE podman build makes a list holding every platform', () => {
    ok(
      podman(
        'build',
        '-q',
        '--pull=never',
        '--platform',
        'linux/amd64,linux/arm64,linux/arm/v7',
        '--manifest',
        LIST,
        '-f',
        'Dockerfile',
        '.',
      ),
    );
    const list = JSON.parse(ok(podman('manifest', 'inspect', LIST)));
    const platforms = list.manifests.map(
      (m: { platform: { os: string; architecture: string; variant?: string } }) =>
        [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/'),
    );
    // arm64's variant is v8 when the base image's config says so (the e2e host's do)
    expect(
      platforms.map((p: string) => p.replace(/^linux\/arm64\/v8$/, 'linux/arm64')).sort(),
    ).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
  });

  it.each(PLATFORMS)(
    '%s: the combined file builds the same files and config as Dockerfile.%s',
    (platform, arch) => {
      const build = (dockerfile: string, dest: string) => {
        const out = path.join(store, dest);
        fs.rmSync(out, { recursive: true, force: true });
        // --no-cache: with a cached last step, podman exports the tree from before it
        ok(
          podman(
            'build',
            '-q',
            '--no-cache',
            '--pull=never',
            '--platform',
            platform,
            '--output',
            `type=local,dest=${out}`,
            '-f',
            dockerfile,
            '.',
          ),
        );
        // the image itself, for its config (its layers are cached by now)
        const id = ok(
          podman('build', '-q', '--pull=never', '--platform', platform, '-f', dockerfile, '.'),
        )
          .trim()
          .split('\n')
          .at(-1)!;
        const [image] = JSON.parse(ok(podman('image', 'inspect', id)));
        return { files: tree(out), config: image.Config, platform: [image.Os, image.Architecture] };
      };
      const combined = build('Dockerfile', 'A');
      const own = build(`Dockerfile.${arch}`, 'B');
      expect(combined.files.length).toBeGreaterThan(10);
      expect(combined.files).toEqual(own.files);
      expect(combined.config).toEqual(own.config);
      expect(combined.platform).toEqual(own.platform);
      const greeting = fs.readFileSync(path.join(store, 'A/app/greeting'), 'utf8');
      expect(greeting).toBe(
        `hello from ${arch} (${arch === 'arm32v7' ? 'hard-float' : 'plain'})\n`,
      );
      expect(fs.existsSync(path.join(store, 'A/app/extra'))).toBe(arch === 'arm64v8');
    },
  );
});
