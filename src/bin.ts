// The installed command's first step, built as CommonJS (Node starts it faster than an ES module):
// replay an up-to-date run without loading anything else, or hand over to the full CLI.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { replay } from './replay.js';

const write = (stream: NodeJS.WriteStream) => (s: string) => { if (s) stream.write(s); };
const code = replay(process.argv.slice(2), { cwd: process.cwd(), env: process.env, isTTY: process.stdout.isTTY }, { stdout: write(process.stdout), stderr: write(process.stderr) });
if (code !== undefined) {
  process.exitCode = code;
} else {
  // A computed specifier keeps the bundler from inlining the ES module build.
  const full = pathToFileURL(path.join(__dirname, 'xdf.js')).href;
  import(full).then((xdf: { run(): Promise<void> }) => xdf.run());
}
