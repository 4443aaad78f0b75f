// A throwaway project folder and an in-process xdf run against it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';

export function makeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-project-'));
  fs.mkdirSync(path.join(dir, '.git')); // config lookup stops here
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export async function xdf(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: {},
    isTTY: false,
  });
  return { code, stdout, stderr };
}

export const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
export const exists = (dir: string, name: string) => fs.existsSync(path.join(dir, name));

/** Every file under dir (relative, sorted), leaving out .git. */
export function listFiles(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      if (e.name === '.git') return [];
      const full = path.join(dir, e.name);
      return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
    })
    .sort();
}

/** The paths of planned files (or plain paths), relative to dir and sorted. */
export const relativeNames = (dir: string, list: { path: string }[] | string[]) =>
  list.map((f) => path.relative(dir, typeof f === 'string' ? f : f.path)).sort();
