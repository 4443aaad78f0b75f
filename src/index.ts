// The installed command's entry: runs the CLI on the process. The only place that sets the exit
// code.
export async function run(): Promise<void> {
  // `xdf render … | head`: a reader that stops early is no error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const { main } = await import('./cli.js');
  process.exitCode = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY,
    stdout: (s) => {
      if (s) process.stdout.write(s);
    },
    stderr: (s) => {
      if (s) process.stderr.write(s);
    },
  });
}
