// Once around the whole suite: every test's temp folders and caches go into one folder of this run,
// removed at the end, so `npm test` leaves nothing in /tmp and never writes the user's ~/.cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-test-run-'));
  const tmp = path.join(root, 'tmp');
  fs.mkdirSync(tmp);
  // Workers start after this and inherit the environment: os.tmpdir() and the bin's cache follow it.
  process.env.TMPDIR = tmp;
  process.env.XDG_CACHE_HOME = path.join(root, 'cache');
  return () => {
    try {
      fs.rmSync(root, { recursive: true, force: true });
    } catch (e) {
      // A mount left by a failed container test must not hide that test's own failure.
      console.warn(`could not remove ${root}: ${(e as Error).message}`);
    }
  };
}
