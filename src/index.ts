// The bin's entry: the only place that touches process.exit.
import { main } from './cli.js';

export async function run(): Promise<void> {
  const code = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    isTTY: process.stdout.isTTY,
  });
  process.exitCode = code;
}
