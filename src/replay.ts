// A run whose inputs and outputs are byte for byte those of an earlier up-to-date run prints what
// that run printed, without loading the pipeline. Kept in the user's cache folder, never the project.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfig } from './find-config.js';

/** What an up-to-date run read: its files (contents), the folders it scanned, its config lookups. */
export interface RunInputs { files: string[]; dirs: string[]; lookups: string[] }

interface Entry { files: [string, string][]; dirs: [string, string][]; lookups: [string, string][]; stdout: string; stderr: string }

export interface ReplayIo { cwd: string; env: Record<string, string | undefined>; isTTY?: boolean }

const REPLAYABLE = new Set(['check', 'generate']);

function entryPath(argv: string[], io: ReplayIo): string | undefined {
  if (!REPLAYABLE.has(argv[0]) || io.env.XDF_NO_CACHE || argv.includes('--stage-qemu')) return undefined;
  const dir = io.env.XDF_CACHE_DIR ?? path.join(io.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'xdf');
  let build = '';
  try { build = String(fs.statSync(path.join(buildDir(), 'bin.cjs')).mtimeMs); } catch { /* running from source */ }
  const key = JSON.stringify({ v: 1, build, cwd: io.cwd, argv, color: !!io.isTTY && !io.env.NO_COLOR });
  return path.join(dir, `${crypto.createHash('sha1').update(key).digest('hex')}.json`);
}

// The same folder from the CommonJS entry (bin.cjs) and from the ES module build (xdf.js and its chunks).
const buildDir = () => (typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url)));

const hashFile = (file: string) => { try { return crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex'); } catch { return 'absent'; } };
const hashDir = (dir: string) => {
  try {
    const entries = fs.readdirSync(dir).sort().filter((n) => !n.startsWith('.xdf-tmp-')).map((n) => { const s = fs.statSync(path.join(dir, n)); return `${n}:${s.size}:${s.mtimeMs}`; });
    return crypto.createHash('sha1').update(entries.join('\n')).digest('hex');
  } catch { return 'absent'; }
};
const lookup = (dir: string) => findConfig(dir) ?? 'none';

/** The exit code of a replayed run, or undefined when it must run for real. */
export function replay(argv: string[], io: ReplayIo, out: { stdout: (s: string) => void; stderr: (s: string) => void }): number | undefined {
  const file = entryPath(argv, io);
  if (!file) return undefined;
  let entry: Entry;
  try { entry = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return undefined; }
  const same = entry.lookups.every(([dir, found]) => lookup(dir) === found)
    && entry.files.every(([f, h]) => hashFile(f) === h)
    && entry.dirs.every(([d, h]) => hashDir(d) === h);
  if (!same) return undefined;
  if (io.env.XDF_CACHE_DEBUG) out.stderr('xdf: replayed an up-to-date run\n');
  out.stdout(entry.stdout);
  out.stderr(entry.stderr);
  return 0;
}

/** Remember an up-to-date run (best effort: a cache that cannot be written is no error). */
export function remember(argv: string[], io: ReplayIo, inputs: RunInputs, output: { stdout: string; stderr: string }): void {
  const file = entryPath(argv, io);
  if (!file) return;
  const entry: Entry = {
    files: [...new Set(inputs.files)].map((f) => [f, hashFile(f)]),
    dirs: [...new Set(inputs.dirs)].map((d) => [d, hashDir(d)]),
    lookups: [...new Set(inputs.lookups)].map((d) => [d, lookup(d)]),
    ...output,
  };
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file);
  } catch { /* read-only home: no cache */ }
}
