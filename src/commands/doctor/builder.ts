// `xdf doctor`'s builder checks: what the outputs ask of the builder (BuildKit syntax, staged
// emulators, a combined Dockerfile, nodes), against what this host's engines are. Each gap is one
// line with its fix; a gap that fails a build is a blocker.
import path from 'node:path';
import { builderNeeds } from '../../dockerfile/builder-needs.js';
import { probe } from '../../fs/read.js';
import type { BuilderProbes, BuildxState, DockerVersions, NodeState } from '../../host/builders.js';
import type { Config, Engine } from '../../config/types.js';

/** A generated Dockerfile as the plan computed it. */
export interface ScannedOutput {
  path: string; // absolute
  content: string;
  context: string; // absolute: the build context (the template's folder)
}

/** Something an output needs of the builder, and where it comes from. */
export interface BuilderNeed {
  need: 'buildkit' | 'buildplatform' | 'emulator' | 'combined' | 'node';
  why: string; // `RUN --mount (Dockerfile.arm64v8:3)`
}

export interface BuilderGap {
  what: string; // builder, buildx, emulator, node arm64v8, podman, docker
  problem: string;
  fix: string;
  blocker: boolean; // a build would fail
}

export interface NodeReport extends NodeState {
  arch: string;
  name: string;
  kind: 'docker context' | 'podman connection';
}

export interface BuilderReport {
  engine: Engine;
  docker: DockerVersions;
  builder: 'buildkit' | 'legacy' | null; // what `docker build` uses here; null without docker
  buildkit: boolean; // BuildKit can run here (DOCKER_BUILDKIT=1, or buildx)
  buildx: BuildxState;
  podman: string | null;
  nodes: NodeReport[];
  needs: BuilderNeed[];
  notes: string[];
  gaps: BuilderGap[];
}

export interface BuilderInput {
  config: Config;
  outputs: ScannedOutput[] | null; // null: the outputs could not be computed
  probes: BuilderProbes;
  env: Record<string, string | undefined>;
  show: (file: string) => string; // a path as the user reads it
}

const INSTALL_BUILDX =
  'install the buildx plugin (Debian: apt-get install docker-buildx; Docker’s own packages: ' +
  'docker-buildx-plugin)';

export async function checkBuilder(input: BuilderInput): Promise<BuilderReport> {
  const { config, probes, env, show } = input;
  const engine: Engine = config.matrix?.engine ?? 'docker';
  const native = Object.entries(config.native)
    .filter(([arch, n]) => n.context && config.arches.includes(arch))
    .map(([arch, n]) => ({ arch, name: n.context! }));
  const [docker, buildx, podman, nodeStates] = await Promise.all([
    probes.docker(),
    probes.buildx(),
    probes.podman(),
    Promise.all(native.map((n) => probes.node(engine, n.name))),
  ]);
  const nodes: NodeReport[] = native.map((n, i) => ({
    ...n,
    ...nodeStates[i],
    kind: engine === 'docker' ? 'docker context' : 'podman connection',
  }));

  // What `docker build` uses: CLI 23 and later build with buildx (BuildKit) when the plugin is
  // there and fall back to the legacy builder when not, where DOCKER_BUILDKIT=1 is an error;
  // older CLIs use the legacy builder unless DOCKER_BUILDKIT=1 (or the daemon's own default).
  const major = Number(/^(\d+)/.exec(docker.cli ?? '')?.[1] ?? 0);
  const forced = env.DOCKER_BUILDKIT;
  const modern = major >= 23;
  const buildkit = docker.cli !== null && forced !== '0' && (modern ? !!buildx.version : true);
  const builder = !docker.cli
    ? null
    : forced === '0'
      ? 'legacy'
      : modern
        ? buildx.version
          ? 'buildkit'
          : 'legacy'
        : forced === '1'
          ? 'buildkit'
          : 'legacy';
  const noBuildkitFix =
    forced === '0'
      ? 'unset DOCKER_BUILDKIT (it is 0)'
      : modern
        ? `${INSTALL_BUILDX}: docker 23 and later run BuildKit only through it`
        : 'use a docker CLI and daemon of 18.09 or later';

  const needs: BuilderNeed[] = [];
  const gaps: BuilderGap[] = [];
  const notes: string[] = [];
  const outputs = input.outputs ?? [];

  // BuildKit syntax, and the emulators the builds read from their contexts.
  const mounts: string[] = [];
  const platforms: string[] = [];
  const missing = new Map<string, string>(); // emulator path -> the Dockerfile that reads it
  for (const output of outputs) {
    const found = builderNeeds(output.content);
    for (const use of found.buildkit) {
      const where = `${show(output.path)}:${use.line}`;
      (use.syntax === 'RUN --mount' ? mounts : platforms).push(where);
    }
    for (const emulator of found.emulators) {
      const file = path.join(output.context, emulator.source);
      if (probe(file) !== 'file' && !missing.has(file))
        missing.set(file, `${show(output.path)}:${emulator.line}`);
    }
  }
  const some = (list: string[]) => list.slice(0, 2).join(', ') + (list.length > 2 ? ', …' : '');
  if (mounts.length) needs.push({ need: 'buildkit', why: `RUN --mount (${some(mounts)})` });
  if (platforms.length)
    needs.push({
      need: 'buildplatform',
      why: `FROM --platform=$BUILDPLATFORM (${some(platforms)})`,
    });
  if (engine === 'docker' && docker.cli) {
    const mode = config.qemu.mode === 'mount' ? ', qemu.mode mount' : '';
    if (mounts.length && !buildkit)
      gaps.push({
        what: 'builder',
        problem:
          `RUN --mount (${some(mounts)}${mode}) needs BuildKit, which docker ${docker.cli} ` +
          'cannot run here',
        fix: noBuildkitFix,
        blocker: true,
      });
    else if (mounts.length && builder === 'legacy')
      notes.push(
        'RUN --mount needs BuildKit: xdf.mk and the GitLab job set DOCKER_BUILDKIT=1; ' +
          'export it for a docker build of your own',
      );
    if (platforms.length && builder === 'legacy')
      gaps.push({
        what: 'builder',
        problem:
          `FROM --platform=$BUILDPLATFORM (${some(platforms)}) needs BuildKit, and docker ` +
          `${docker.cli} builds with the legacy builder ("failed to parse platform")`,
        fix: buildkit ? 'export DOCKER_BUILDKIT=1' : noBuildkitFix,
        blocker: true,
      });
  }
  for (const [file, where] of missing) {
    needs.push({ need: 'emulator', why: `${show(file)} (${where})` });
    gaps.push({
      what: 'emulator',
      problem: `${show(file)} is not in the build context, and ${where} reads it`,
      fix: 'xdf generate --stage-qemu (xdf.mk stages it itself before its builds)',
      blocker: true,
    });
  }

  // A combined Dockerfile for every platform (output.combined) builds in one invocation only where
  // the builder expands TARGETARCH in FROM and builds several platforms at once.
  const combined = (config.output as { combined?: unknown }).combined;
  if (typeof combined === 'string' && combined) {
    needs.push({ need: 'combined', why: `output.combined (${combined})` });
    const buildxFits = !!buildx.version && !!buildx.driver && buildx.driver !== 'docker';
    if (!podman && !buildxFits)
      gaps.push({
        what: 'combined',
        problem:
          `output.combined (${combined}) builds every platform in one invocation: ` +
          (buildx.version
            ? `the buildx builder here uses the ${buildx.driver ?? 'unknown'} driver, which ` +
              'builds one platform at a time (and Docker 20.10’s BuildKit reads TARGETARCH in ' +
              'FROM as "")'
            : 'this host has neither buildx nor podman'),
        fix: buildx.version
          ? 'docker buildx create --use --driver docker-container, or install podman'
          : `${INSTALL_BUILDX} and docker buildx create --use --driver docker-container, ` +
            'or install podman',
        blocker: true,
      });
  }

  // The engine itself, and the nodes that xdf.mk builds on.
  if (engine === 'podman' && !podman)
    gaps.push({
      what: 'podman',
      problem: 'matrix.engine is podman, and podman is not installed',
      fix: 'install podman (Debian: apt-get install podman)',
      blocker: true,
    });
  for (const node of nodes) {
    needs.push({ need: 'node', why: `${node.kind} ${node.name} (native.${node.arch}.context)` });
    if (node.ok) continue;
    const unknown = /does not exist|not found/i.test(node.detail);
    gaps.push({
      what: `node ${node.arch}`,
      problem: `the ${node.kind} ${node.name} does not answer: ${node.detail}`,
      fix: unknown
        ? engine === 'docker'
          ? `create it: docker context create ${node.name} --docker host=ssh://user@arm-host`
          : `add it: podman system connection add ${node.name} ssh://user@arm-host`
        : engine === 'docker'
          ? `start its daemon, or check where it points: docker context inspect ${node.name}`
          : `start its service, or check where it points: podman system connection ls`,
      blocker: true,
    });
  }
  return { engine, docker, builder, buildkit, buildx, podman, nodes, needs, notes, gaps };
}

const shout = (report: BuilderReport) => (report.gaps.length ? 'NOT' : 'not');

/** The builder's lines of the report. */
export function builderLines(report: BuilderReport): string[] {
  const lines: string[] = [];
  const { docker, buildx } = report;
  if (docker.cli) {
    // capitals only when a gap makes it matter: a fact the outputs do not need is no alarm
    lines.push(
      `builder: ${report.builder === 'buildkit' ? 'BuildKit' : 'legacy builder'} by default; ` +
        // capitals only when a gap makes it matter: a fact the outputs do not need is no alarm
        `BuildKit ${report.buildkit ? 'available' : `${shout(report)} available`}`,
    );
  }
  lines.push(
    `buildx: ${
      buildx.version
        ? `${buildx.version}${buildx.driver ? ` (builder: ${buildx.driver} driver` : ''}` +
          `${buildx.driver && buildx.buildkit ? `, BuildKit ${buildx.buildkit}` : ''}` +
          `${buildx.driver ? ')' : ''}`
        : 'not installed'
    }`,
  );
  lines.push(`podman: ${report.podman ?? 'not installed'}`);
  for (const node of report.nodes)
    lines.push(
      `node ${node.arch}: ${node.kind} ${node.name} ` +
        (node.ok ? `answers (${node.detail})` : `DOES NOT ANSWER: ${node.detail}`),
    );
  if (report.needs.length)
    lines.push(`outputs need: ${report.needs.map((n) => `${needName(n)} ${n.why}`).join('; ')}`);
  return lines;
}

const needName = (n: BuilderNeed) =>
  ({
    buildkit: 'BuildKit:',
    buildplatform: 'BuildKit:',
    emulator: 'a staged emulator:',
    combined: 'buildx or podman:',
    node: 'a node:',
  })[n.need];
