// Where a template's xdf.yaml is: its folder or above, up to the folder that holds .git.
import fs from 'node:fs';
import path from 'node:path';

export const CONFIG_NAME = 'xdf.yaml';

export function findConfig(startDir: string): string | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_NAME);
    if (fs.existsSync(file)) return file;
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return undefined;
  }
}
