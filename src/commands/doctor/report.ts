// `xdf doctor`: can this host build each target arch, does the config's QEMU setting fit it, and
// does its builder run what the outputs ask of it?
import { archByName, isEmulated, machineArch } from '../../arches/table.js';
import { handlerFor, readBinfmt, type BinfmtState } from '../../host/binfmt.js';
import { hostProbes, type BuilderProbes, type DockerVersions } from '../../host/builders.js';
import { renderSnippet } from '../../template/render.js';
import { builderLines, checkBuilder, type BuilderReport, type ScannedOutput } from './builder.js';
import type { Config } from '../../config/types.js';
import { escapeControls } from '../../core/errors.js';

export interface DockerState {
  cli: boolean;
  daemon: boolean;
  detail: string;
}

export interface ArchReport {
  arch: string;
  emulated: boolean;
  handler: string | null;
  interpreter: string | null;
  flags: string | null;
  fixBinary: boolean; // the F flag: the kernel holds the emulator, no copy needed
  copyDest: string | null; // where the generated COPY puts the emulator
  ok: boolean;
  note: string;
  advice: string | null;
}

export interface DoctorReport {
  binfmt: { dir: string; mounted: boolean; enabled: boolean };
  docker: DockerState;
  builder: BuilderReport;
  outputs: { scanned: boolean; note: string | null }; // why the outputs were not scanned
  host: string;
  machine: string | null; // this machine's own arch, when it differs from the configured host
  arches: ArchReport[];
  ok: boolean;
}

export interface DoctorOptions {
  config: Config;
  binfmtDir: string;
  /** The generated Dockerfiles as the plan computes them; null (with why) when it cannot. */
  outputs?: { files: ScannedOutput[] | null; note?: string };
  probes?: BuilderProbes; // this host's engines by default
  env?: Record<string, string | undefined>;
  show?: (file: string) => string;
  machineArch?: string; // process.arch by default
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { config } = options;
  const env = options.env ?? {};
  const binfmt = readBinfmt(options.binfmtDir);
  const engine = config.matrix?.engine ?? 'docker';
  // $DOCKER is the engine command of xdf.mk and the manifest script: the one to ask.
  const command = env.DOCKER?.trim() ? env.DOCKER.trim().split(/\s+/) : undefined;
  const probes =
    options.probes ??
    hostProbes(
      engine === 'docker' ? command : undefined,
      engine === 'podman' ? command : undefined,
    );
  const builder = await checkBuilder({
    config,
    outputs: options.outputs?.files ?? null,
    probes,
    env,
    show: options.show ?? ((f) => f),
  });
  const docker = dockerState(builder.docker);
  const host = archByName(config.host);
  const machine = machineArch(options.machineArch) ?? null;
  const arches = config.arches.map((name) => archReport(name, config, binfmt));
  const engineOk = engine === 'podman' || docker.daemon;
  return {
    binfmt: { dir: binfmt.dir, mounted: binfmt.mounted, enabled: binfmt.enabled },
    docker,
    builder,
    outputs: {
      scanned: !!options.outputs?.files,
      note: options.outputs?.files ? null : (options.outputs?.note ?? 'not computed'),
    },
    host: host.name,
    machine: machine && machine !== host.name ? machine : null,
    arches,
    ok: engineOk && arches.every((a) => a.ok) && !builder.gaps.some((g) => g.blocker),
  };
}

function dockerState(v: DockerVersions): DockerState {
  if (!v.cli) return { cli: false, daemon: false, detail: 'the docker CLI is not installed' };
  if (!v.daemon)
    return {
      cli: true,
      daemon: false,
      detail: `client ${v.cli}, daemon not reachable: ${v.error ?? '?'}`,
    };
  return { cli: true, daemon: true, detail: `client ${v.cli}, daemon ${v.daemon}` };
}

function archReport(name: string, config: Config, binfmt: BinfmtState): ArchReport {
  const arch = archByName(name);
  const host = archByName(config.host);
  const base = {
    arch: name,
    handler: null,
    interpreter: null,
    flags: null,
    fixBinary: false,
    copyDest: null,
    advice: null,
  };
  if (!isEmulated(arch, host, config.native)) {
    return {
      ...base,
      emulated: false,
      ok: true,
      note:
        arch.name === host.name
          ? 'the host: runs natively'
          : config.native[name]?.context
            ? `native: built on its node ${config.native[name].context}`
            : config.native[name]
              ? 'native runner'
              : 'runs natively on this host',
    };
  }
  const install =
    'install the emulators and their handlers: apt-get install qemu-user-static binfmt-support ' +
    '(or docker run --privileged --rm tonistiigi/binfmt --install all)';
  if (!binfmt.mounted)
    return {
      ...base,
      emulated: true,
      ok: false,
      note: 'binfmt_misc is not mounted',
      advice: `mount it: mount -t binfmt_misc binfmt_misc ${binfmt.dir}; then ${install}`,
    };
  if (!binfmt.enabled)
    return {
      ...base,
      emulated: true,
      ok: false,
      note: 'binfmt_misc is disabled',
      advice: `enable it: echo 1 > ${binfmt.dir}/status`,
    };
  const handler = handlerFor(binfmt, arch);
  if (!handler)
    return {
      ...base,
      emulated: true,
      ok: false,
      note: `no handler for ${arch.name}: "exec format error" in RUN`,
      advice: install,
    };
  if (!handler.enabled)
    return {
      ...base,
      emulated: true,
      handler: handler.name,
      interpreter: handler.interpreter,
      flags: handler.flags,
      ok: false,
      note: 'the handler is disabled',
      advice: `enable it: echo 1 > ${binfmt.dir}/${handler.name}`,
    };
  const fixBinary = handler.flags.includes('F');
  const copyDest = config.qemu.mode === 'none' ? null : destination(config, arch.name);
  const seen = {
    ...base,
    emulated: true,
    handler: handler.name,
    interpreter: handler.interpreter,
    flags: handler.flags,
    fixBinary,
    copyDest,
  };
  if (fixBinary)
    return {
      ...seen,
      ok: true,
      note:
        config.qemu.mode === 'none'
          ? 'F flag: the kernel holds the emulator'
          : `F flag: the kernel holds the emulator (qemu.mode: none would do)`,
    };
  if (config.qemu.mode === 'none') {
    return {
      ...seen,
      ok: false,
      note: 'no F flag, and qemu.mode is none: RUN cannot find the emulator inside the container',
      advice:
        `set qemu: { mode: copy, dest: ${handler.interpreter} } in xdf.yaml, or register ` +
        `the handler with the F flag`,
    };
  }
  if (copyDest !== handler.interpreter) {
    return {
      ...seen,
      ok: false,
      note:
        `no F flag: the emulator must be at ${handler.interpreter} inside the container, ` +
        `but xdf copies it to ${copyDest}`,
      advice:
        `set qemu.dest: ${handler.interpreter} in xdf.yaml (or ` +
        `"${handler.interpreter.replace(arch.qemu, '{{arch.qemu}}')}" for every arch)`,
    };
  }
  return {
    ...seen,
    ok: true,
    note: `no F flag: the injected COPY puts the emulator at ${handler.interpreter}`,
  };
}

/** The full path the injected COPY writes the emulator to. */
function destination(config: Config, name: string): string {
  const arch = archByName(name);
  const dest = renderSnippet(
    config.qemu.dest,
    { arch, host: archByName(config.host) },
    { key: 'qemu.dest', file: config.file },
  );
  return dest.endsWith('/') ? `${dest}qemu-${arch.qemu}-static` : dest;
}

const START_DOCKER = 'start the daemon (dockerd) or check DOCKER_HOST';
const INSTALL_DOCKER = 'install Docker (Debian: apt-get install docker.io)';

function binfmtState(report: DoctorReport): string {
  if (!report.binfmt.mounted) return 'NOT MOUNTED';
  return report.binfmt.enabled ? 'mounted and enabled' : 'mounted, DISABLED';
}

const machineNote = (machine: string, host: string) =>
  ` (this machine is ${machine}: outputs are made for the configured host ${host})`;

export function formatDoctor(report: DoctorReport): string {
  const lines = [
    `binfmt_misc: ${binfmtState(report)} (${report.binfmt.dir})`,
    `docker: ${report.docker.detail}`,
    ...builderLines(report.builder),
    ...(report.outputs.note ? [`outputs: not scanned: ${report.outputs.note}`] : []),
    `host: ${report.host}${report.machine ? machineNote(report.machine, report.host) : ''}`,
    '',
  ];
  // What binfmt_misc entries, engines and nodes say is data: a control character in it is shown
  // escaped, never sent to the terminal (a colour, a title, a line that forges advice).
  const rows = [
    ['arch', 'emulated', 'handler', 'interpreter', 'flags', 'status'],
    ...report.arches
      .map((a) => [
        a.arch,
        a.emulated ? 'yes' : 'no',
        a.handler ?? '-',
        a.interpreter ?? '-',
        a.flags || '-',
        `${a.ok ? 'ok' : 'BLOCKED'}: ${a.note}`,
      ])
      .map((row) => row.map(escapeControls)),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows)
    lines.push(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  const advice = report.arches.filter((a) => a.advice).map((a) => `- ${a.arch}: ${a.advice}`);
  if (!report.docker.daemon && report.builder.engine === 'docker')
    advice.push(`- docker: ${report.docker.cli ? START_DOCKER : INSTALL_DOCKER}`);
  for (const gap of report.builder.gaps) advice.push(`- ${gap.what}: ${gap.problem}: ${gap.fix}`);
  for (const note of report.builder.notes) advice.push(`- note: ${note}`);
  if (advice.length) lines.push('', 'advice:', ...advice);
  return `${lines.map((line) => escapeControls(line)).join('\n')}\n`;
}
