// Where a run's xdf.yaml is: in the folder, else upward, stopping at the folder that holds `.git`.
import path from 'node:path';
import { probe } from '../fs/read.js';

export const CONFIG_NAME = 'xdf.yaml';
export const CONFIG_LIMIT = 1024 * 1024;

/** The xdf.yaml governing a folder: there or above, up to the folder that holds .git. */
export function findConfig(startDir: string): string | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_NAME);
    if (probe(file) !== 'missing') return file;
    if (probe(path.join(dir, '.git')) !== 'missing' || path.dirname(dir) === dir) return undefined;
  }
}
