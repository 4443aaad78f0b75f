import path from 'node:path';
import { archByName, isEmulated, machineArch, resolveArch } from '../../arches/table.js';
import { parseDockerfile } from '../../dockerfile/parse.js';
import { probe, readText } from '../../fs/read.js';
import { handlerFor, readBinfmt } from '../../host/binfmt.js';
import { fail } from '../../core/errors.js';
import { baseImages, escapeTemplate, initialConfig } from './template.js';
import { relative, shown, splitList, type Io } from '../io.js';
import { renderTemplate } from '../../template/render.js';
import { writeFiles } from '../../fs/write.js';
import { CONFIG_LIMIT } from '../../config/find.js';
import { loadConfig } from '../../config/load.js';

export interface InitFlags {
  arch?: string;
  host?: string;
  force?: boolean;
  binfmtDir?: string;
  json?: boolean;
  quiet?: boolean;
}

export async function init(
  io: Io,
  dockerfileArg: string | undefined,
  flags: InitFlags,
): Promise<number> {
  const dockerfile = path.resolve(io.cwd, dockerfileArg ?? 'Dockerfile');
  if (probe(dockerfile) === 'missing')
    fail(
      'XDF003',
      `${relative(io)(dockerfile)} not found`,
      'name the Dockerfile to start from: xdf init path/to/Dockerfile',
      { file: dockerfile },
    );
  const dir = path.dirname(dockerfile);
  const targets = {
    template: path.join(dir, 'Dockerfile.tpl'),
    config: path.join(dir, 'xdf.yaml'),
  };
  if (!flags.force) {
    for (const file of Object.values(targets)) {
      if (probe(file) !== 'missing')
        fail(
          'XDF056',
          `${relative(io)(file)} already exists`,
          'xdf init never overwrites: use --force to replace it',
          { file },
        );
    }
  }
  const text = readText(dockerfile, { kind: 'Dockerfile', limit: 5 * 1024 * 1024 });
  const parsed = parseDockerfile(text);
  // A template of a Dockerfile without FROM could never generate: nothing is written.
  if (parsed.stages.length === 0)
    fail(
      'XDF031',
      `${relative(io)(dockerfile)} ${text.trim() === '' ? 'is empty' : 'has no FROM'}`,
      'xdf init starts from a Dockerfile whose first stage starts with FROM <image>',
      { file: dockerfile },
    );
  const host = canonical(flags.host ?? machineArch() ?? 'amd64');
  const arches = (splitList(flags.arch) ?? ['amd64', 'arm32v7', 'arm64v8']).map(canonical);
  const template = escapeTemplate(text);
  // The template must render back to the Dockerfile byte for byte before anything is written.
  const rendered = renderTemplate(
    { file: targets.template, text: template },
    {
      arch: archByName(host),
      host: archByName(host),
      emulated: false,
      native: false,
      pins: {},
      vars: {},
    },
  );
  if (rendered !== text)
    fail(
      'XDF057',
      'the escaped template does not render back to the Dockerfile',
      'a backslash before {{ cannot be escaped: edit that line by hand',
      { file: dockerfile },
    );
  const qemu = qemuMode(arches, host, flags.binfmtDir ?? '/proc/sys/fs/binfmt_misc');
  const config = initialConfig(baseImages(text, parsed), {
    arches,
    host,
    qemuMode: qemu.mode,
    qemuReason: qemu.reason,
    template: 'Dockerfile.tpl',
  });
  // What init writes must be a config xdf reads: within its size limit, valid, every image a key.
  if (Buffer.byteLength(config) > CONFIG_LIMIT)
    fail(
      'XDF010',
      `the xdf.yaml for ${relative(io)(dockerfile)} would be ${Buffer.byteLength(config)} bytes, ` +
        `over the limit of ${CONFIG_LIMIT}: it names too many images`,
      'start from a Dockerfile with fewer base images, or write xdf.yaml by hand',
      { file: dockerfile },
    );
  loadConfig({ source: { file: targets.config, text: config }, templateDir: dir });
  const result = writeFiles(
    [
      { path: targets.template, content: template },
      { path: targets.config, content: config },
    ],
    [],
    relative(io),
  );
  if (flags.json) io.stdout(`${JSON.stringify({ wrote: result.wrote.map(relative(io)) })}\n`);
  else if (!flags.quiet) for (const f of result.wrote) io.stdout(`wrote ${shown(io)(f)}\n`);
  if (!flags.quiet && !flags.json)
    io.stdout(
      `next: xdf ` +
        `generate${path.relative(io.cwd, dir) ? ` ${relative(io)(targets.template)}` : ''}\n`,
    );
  return 0;
}

function canonical(name: string): string {
  const resolved = resolveArch(name);
  if (!resolved) fail('XDF001', `unknown architecture "${name}"`, 'see xdf arches for the names');
  return resolved.arch.name;
}

/** Every emulated target's handler has the F flag → none, else copy. */
function qemuMode(
  arches: string[],
  host: string,
  binfmtDir: string,
): { mode: 'copy' | 'none'; reason: string } {
  const state = readBinfmt(binfmtDir);
  const emulated = arches.filter((a) => isEmulated(archByName(a), archByName(host), {}));
  if (emulated.length === 0) return { mode: 'none', reason: 'no target is emulated on this host' };
  const allF =
    state.mounted && emulated.every((a) => handlerFor(state, archByName(a))?.flags.includes('F'));
  return allF
    ? {
        mode: 'none',
        reason:
          "this host's binfmt_misc handlers have the F flag; use copy for hosts whose handlers " +
          'do not (xdf doctor tells)',
      }
    : {
        mode: 'copy',
        reason:
          "this host's handlers lack the F flag (or are missing): the emulator is copied into " +
          'each emulated stage; xdf doctor checks the path',
      };
}
