// The installed command's entry: runs the CLI on the process. The only place that sets the exit
// code.
import fs from 'node:fs';

export async function run(): Promise<void> {
  const { main } = await import('./main.js');
  const [outDevice, errDevice] = [isCharacterDevice(1), isCharacterDevice(2)];
  const stdout = outDevice ? streamWriter(() => process.stdout) : fdWriter(1);
  const stderr = errDevice ? streamWriter(() => process.stderr) : fdWriter(2);
  process.exitCode = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    isTTY: outDevice && process.stdout.isTTY,
    pipedOnly: !outDevice && !errDevice,
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

// A terminal, or any other device, keeps Node's stream (made on first write), which knows its ways.
const streamWriter = (stream: () => NodeJS.WriteStream) => (s: string) => void stream().write(s);

/**
 * A pipe or a file (what CI, pre-commit and make give) is written synchronously through its
 * descriptor: setting up Node's stream objects would be most of a short run's own time.
 */
function fdWriter(fd: 1 | 2): (s: string) => void {
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
