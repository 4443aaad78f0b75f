// The installed command's entry: runs the CLI on the process. The only place that sets the exit
// code.
import fs from 'node:fs';

export async function run(): Promise<void> {
  const { main } = await import('./cli.js');
  const devices = [isCharacterDevice(1), isCharacterDevice(2)];
  const terminal = devices[0] && process.stdout.isTTY;
  const stdout = writerTo(1, () => process.stdout);
  const stderr = writerTo(2, () => process.stderr);
  process.exitCode = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    isTTY: terminal,
    pipedOnly: !devices[0] && !devices[1],
    stdout: (s) => {
      if (s) stdout(s);
    },
    stderr: (s) => {
      if (s) stderr(s);
    },
  });
}

// Only a character device can be a terminal; asking Node's stream objects costs milliseconds.
function isCharacterDevice(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * Writes to a standard stream. A pipe or a file (what CI, pre-commit and make give) is written
 * synchronously through its descriptor: setting up Node's stream objects would be most of a short
 * run's own time. A terminal, or any other device, keeps Node's stream.
 */
function writerTo(fd: 1 | 2, stream: () => NodeJS.WriteStream): (s: string) => void {
  if (isCharacterDevice(fd)) return (s) => void stream().write(s);
  return (s) => {
    const bytes = Buffer.from(s);
    for (let done = 0; done < bytes.length;) {
      try {
        done += fs.writeSync(fd, bytes, done);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A pipe left non-blocking by the parent is full: wait for its reader.
        if (code === 'EAGAIN') Atomics.wait(PAUSE, 0, 0, 1);
        // `xdf render … | head`: a reader that stops early is no error.
        else if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
        else throw e;
      }
    }
  };
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
