// adopt never changes an original it could not reproduce: here the proof is made to fail for one
// file of a set it otherwise adopts, and every file must keep its bytes and its mtime.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { listFiles, makeProject, xdf } from '../../helpers/project.js';

vi.mock('../../../src/adopt/verify.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/adopt/verify.js')>();
  return {
    ...real,
    // The real proof, then one output that differs from its original by a byte.
    verifyAdoption: (...args: Parameters<typeof real.verifyAdoption>) => {
      const result = real.verifyAdoption(...args);
      const [, , originals, show] = args;
      const last = originals[originals.length - 1];
      return {
        ...result,
        mismatches: [
          {
            path: last.path,
            diff: `--- ${show(last.path)} (original)\n+++ ${show(last.path)} (from the template)\n`,
          },
        ],
      };
    },
  };
});

const snapshot = (dir: string) =>
  listFiles(dir).map((f) => [
    f,
    fs.readFileSync(path.join(dir, f)).toString('base64'),
    fs.statSync(path.join(dir, f)).mtimeMs,
  ]);

describe('xdf adopt when the proof fails', () => {
  it('writes nothing, prints the diff and exits 1', async () => {
    const dir = makeProject({
      Dockerfile: 'FROM python:3.12\nRUN pip install flask\n',
      'Dockerfile.arm64v8': 'FROM arm64v8/python:3.12\nRUN pip install flask\n',
      'Dockerfile.arm32v7': 'FROM arm32v7/python:3.12\nRUN pip install flask\n',
    });
    const before = snapshot(dir);
    const r = await xdf(dir, 'adopt');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '--- Dockerfile.arm64v8 (original)\n+++ Dockerfile.arm64v8 (from the template)\n',
    );
    expect(r.stderr).toMatch(
      /^xdf: error XDF063: the template and config would not regenerate 1 of the files byte for byte \(the diffs above\); nothing written\n/,
    );
    expect(snapshot(dir)).toEqual(before);
    const json = await xdf(dir, 'adopt', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ wrote: [], errors: [{ code: 'XDF063' }] });
    expect(snapshot(dir)).toEqual(before);
  });
});
