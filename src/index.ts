// The full CLI run (after src/bin.ts found nothing to replay); remembers an up-to-date run for the
// next one. The only place that sets the process's exit code.
import { remember, type RunInputs } from './replay.js';

export async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  // `xdf render … | head`: a reader that stops early is no error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw e; });
  const context = { cwd: process.cwd(), env: process.env, isTTY: process.stdout.isTTY };
  const { main } = await import('./cli.js');
  const output = { stdout: '', stderr: '' };
  let inputs: RunInputs | undefined;
  const code = await main(argv, {
    ...context,
    stdout: (s) => { output.stdout += s; process.stdout.write(s); },
    stderr: (s) => { output.stderr += s; process.stderr.write(s); },
    upToDate: (i) => { inputs = i; },
  });
  if (code === 0 && inputs) remember(argv, context, inputs, output);
  process.exitCode = code;
}
