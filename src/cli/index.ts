// The installed command's entry: runs the CLI on the process. The only place that sets the exit
// code.
//
// The exit code is main's verdict (for `check`: stale is 1), never what printing it did: a reader
// that stops early (`xdf check | head`) ends the printing quietly, and a stream that cannot be
// written (a full disk, /dev/full) ends it with one line on stderr; the run goes on to its end
// either way, and nothing exits the process before main has answered.
import fs from 'node:fs';

/** One standard stream: writes until the first failure, then drops the rest. */
interface Writer {
  write(s: string): void;
  /** Resolves once every byte written so far has reached the stream, or failed to. */
  flushed(): Promise<void>;
  /** Why writing stopped, when it was not a reader that stopped early (EPIPE). */
  readonly failure: string | undefined;
}

export async function run(): Promise<void> {
  // Until main answers, a run that ends (a pending promise the event loop forgets) is no success.
  process.exitCode = 2;
  const { main } = await import('./main.js');
  const [outDevice, errDevice] = [isCharacterDevice(1), isCharacterDevice(2)];
  const stdout = outDevice ? streamWriter(() => process.stdout) : fdWriter(1);
  const stderr = errDevice ? streamWriter(() => process.stderr) : fdWriter(2);
  const code = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    isTTY: outDevice && process.stdout.isTTY,
    pipedOnly: !outDevice && !errDevice,
    stdout: (s) => {
      if (s) stdout.write(s);
    },
    stderr: (s) => {
      if (s) stderr.write(s);
    },
  });
  process.exitCode = code;
  await stdout.flushed();
  if (stdout.failure === undefined) return;
  stderr.write(`xdf: error XDF052: cannot write standard output: ${stdout.failure}\n`);
  // What main printed did not all arrive: a run that succeeded did not (a `check` keeps its 1).
  if (code === 0) process.exitCode = 2;
}

// Only a character device can be a terminal; asking Node's stream objects costs milliseconds.
function isCharacterDevice(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? String(e);

/**
 * A terminal, or any other device, keeps Node's stream (made on first write), which knows its
 * ways; its write errors (ENOSPC of /dev/full, EIO of a terminal gone) arrive as events.
 */
function streamWriter(open: () => NodeJS.WriteStream): Writer {
  let stream: NodeJS.WriteStream | undefined;
  let stopped = false;
  let failure: string | undefined;
  const stop = (e: unknown) => {
    if (stopped) return;
    stopped = true;
    if (errorCode(e) !== 'EPIPE') failure = errorCode(e);
  };
  return {
    write(s) {
      if (stopped) return;
      if (!stream) {
        stream = open();
        stream.on('error', stop);
      }
      try {
        stream.write(s, (e) => e && stop(e));
      } catch (e) {
        stop(e);
      }
    },
    // An empty write's callback comes after those of every earlier write, failed or not.
    flushed: () =>
      new Promise((resolve) => {
        if (!stream || stopped) resolve();
        else stream.write('', () => resolve());
      }),
    get failure() {
      return failure;
    },
  };
}

/**
 * A pipe or a file (what CI, pre-commit and make give) is written synchronously through its
 * descriptor: setting up Node's stream objects would be most of a short run's own time.
 */
function fdWriter(fd: 1 | 2): Writer {
  let stopped = false;
  let failure: string | undefined;
  return {
    write(s) {
      if (stopped) return;
      const bytes = Buffer.from(s);
      for (let done = 0; done < bytes.length;) {
        try {
          done += fs.writeSync(fd, bytes, done);
        } catch (e) {
          const code = errorCode(e);
          // A pipe left non-blocking by the parent is full: wait for its reader.
          if (code === 'EAGAIN') {
            Atomics.wait(PAUSE, 0, 0, 1);
            continue;
          }
          // `xdf check | head`: a reader that stops early is no error; the rest is dropped.
          // Anything else (ENOSPC, EFBIG, EIO) is reported once main has answered.
          stopped = true;
          if (code !== 'EPIPE') failure = code;
          return;
        }
      }
    },
    flushed: () => Promise.resolve(),
    get failure() {
      return failure;
    },
  };
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
