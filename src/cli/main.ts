// Wires the command line to the commands; every command is loaded only when it runs.
import { Command, CommanderError } from 'commander';
import { formatProblem, XdfError } from '../core/errors.js';
import { problemJson, relative, type Io } from '../commands/io.js';
import { examples } from './help.js';
import { OUTPUT_OPTIONS, RUN_OPTIONS, withOptions, type OptionName } from './options.js';

export type { Io };

const PIPED = {
  getOutHelpWidth: () => 80, // what commander takes when the stream has no width
  getErrHelpWidth: () => 80,
  getOutHasColors: () => false,
  getErrHasColors: () => false,
};

export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode = 0;
  const json = argv.includes('--json');
  const program = new Command('xdf')
    .description(
      'Dockerfile cross-build preprocessor: one templated Dockerfile, one Dockerfile per CPU ' +
        'architecture',
    )
    .version('0.1.0', '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: () => {},
      // Without a terminal there is no width or color to ask Node's stream objects about.
      ...(io.pipedOnly ? PIPED : {}),
    })
    .showHelpAfterError(false);
  const run = async (fn: () => Promise<number>) => {
    exitCode = await fn();
  };
  const command = (name: string, description: string) =>
    program.command(name).description(description).addHelpText('after', examples(name));

  withOptions(
    command(
      'generate',
      'render each template for each arch and write the Dockerfiles and matrix files',
    ).argument('[template...]'),
    [...RUN_OPTIONS, ...OUTPUT_OPTIONS],
  )
    .option(
      '--stage-qemu',
      "also copy the host's qemu-<arch>-static emulators into the build context",
    )
    .option('--force', 'replace existing files at output paths that xdf did not write')
    .action(async (templates: string[], flags) =>
      run(async () =>
        (await import('../commands/generate/index.js')).generate(io, templates, flags),
      ),
    );
  withOptions(
    command(
      'check',
      'exit 1 with a diff when a generated file is missing, stale or orphaned; writes nothing',
    ).argument('[template...]'),
    [...RUN_OPTIONS.map((o): OptionName => (o === 'out' ? 'checkOut' : o)), ...OUTPUT_OPTIONS],
  ).action(async (templates: string[], flags) =>
    run(async () => (await import('../commands/check/index.js')).check(io, templates, flags)),
  );
  withOptions(
    command('render', 'print the final Dockerfile of one template for one arch').argument(
      '<template>',
    ),
    ['oneArch', 'host', 'config', 'template', 'header', ...OUTPUT_OPTIONS],
  ).action(async (template: string, flags) =>
    run(async () => (await import('../commands/render/index.js')).render(io, template, flags)),
  );
  command(
    'init',
    'start from an existing Dockerfile: write Dockerfile.tpl and a commented xdf.yaml',
  )
    .argument('[dockerfile]')
    .option('--arch <list>', 'target arches (default: amd64,arm32v7,arm64v8)')
    .option('--host <arch>', 'the build host to write in xdf.yaml (default: this machine)')
    .option('--force', 'overwrite an existing Dockerfile.tpl or xdf.yaml')
    .option(
      '--binfmt-dir <dir>',
      'where binfmt_misc is mounted (decides qemu.mode)',
      '/proc/sys/fs/binfmt_misc',
    )
    .option('--json', 'machine-readable output')
    .option('--quiet', 'print only errors')
    .action(async (dockerfile: string | undefined, flags) =>
      run(async () => (await import('../commands/init/index.js')).init(io, dockerfile, flags)),
    );
  withOptions(
    command(
      'diff',
      'show, per arch, what xdf rewrote and injected into the rendered template',
    ).argument('[template]'),
    ['arch', 'host', 'config', 'template', 'header', ...OUTPUT_OPTIONS],
  ).action(async (template: string | undefined, flags) =>
    run(async () => (await import('../commands/diff/index.js')).diff(io, template, flags)),
  );
  withOptions(
    command(
      'lock',
      'resolve every mapped base image for its arch against its registry and pin it in xdf.lock',
    ).argument('[template...]'),
    ['arch', 'host', 'config', 'template', ...OUTPUT_OPTIONS],
  )
    .option('--update', 're-resolve every image, not only those missing from xdf.lock')
    .option(
      '--check',
      're-resolve every image and exit 1 listing what moved or vanished; writes nothing',
    )
    .option('--timeout <seconds>', 'timeout of each request to a registry', '15')
    .action(async (templates: string[], flags) =>
      run(async () => (await import('../commands/lock/index.js')).lock(io, templates, flags)),
    );
  command(
    'doctor',
    'check that this host can build each target arch: binfmt_misc handlers, their F flag, ' +
      'qemu.dest, docker, and the builder against what the outputs need (BuildKit, buildx, ' +
      'podman, staged emulators, native contexts)',
  )
    .option('--arch <list>', "comma list of arches in any naming scheme (default: the config's)")
    .option('--host <arch>', 'the configured build host (default: config, else amd64)')
    .option('--config <file>', 'the xdf.yaml to use')
    .option('--binfmt-dir <dir>', 'where binfmt_misc is mounted', '/proc/sys/fs/binfmt_misc')
    .option('--json', 'machine-readable output')
    .option('--quiet', 'print only errors')
    .action(async (flags) =>
      run(async () => (await import('../commands/doctor/index.js')).doctor(io, flags)),
    );
  command('arches', 'print the architecture table in every naming scheme')
    .option('--json', 'machine-readable output')
    .action(async (flags) =>
      run(async () => (await import('../commands/arches/index.js')).arches(io, flags)),
    );

  if (argv.length === 0) {
    // No command is a usage error: the help goes to stderr so that a script notices.
    io.stderr(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    const error = asXdfError(e);
    if (error === undefined) return 0; // help or version, printed
    if (json) io.stdout(`${JSON.stringify({ errors: error.problems.map(problemJson(io)) })}\n`);
    else for (const p of error.problems) io.stderr(`${formatProblem(p, 'error', relative(io))}\n`);
    return error.exitCode;
  }
}

/** Any failure as a typed error: a usage error is XDF002, anything else a bug (XDF099). */
function asXdfError(e: unknown): XdfError | undefined {
  if (e instanceof XdfError) return e;
  if (e instanceof CommanderError) {
    const quiet = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
    if (quiet.includes(e.code)) return undefined;
    // commander puts its suggestion on a line of its own: it belongs in the hint.
    const [message, ...more] = e.message.replace(/^error: /, '').split('\n');
    const suggestion = /^\(Did you mean (.+)\?\)$/.exec(more.join(' ').trim())?.[1];
    const help = 'see xdf --help, or xdf <command> --help';
    const hint = `${suggestion ? `did you mean ${suggestion}? ` : ''}${help}`;
    return new XdfError({ code: 'XDF002', message, hint });
  }
  const message = `internal error: ${(e as Error)?.message ?? String(e)}`;
  const hint = 'this is a bug in xdf: please report it with the input that caused it';
  return new XdfError({ code: 'XDF099', message, hint });
}
