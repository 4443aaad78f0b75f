import { describe, expect, it } from 'vitest';
import {
  formatLockFile,
  lockedImages,
  parseLockFile,
  type LockEntry,
} from '../../src/lock/file.js';
import { XdfError } from '../../src/core/errors.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const ENTRIES: LockEntry[] = [
  { ref: 'multiarch/alpine:aarch64-v3.7', platform: 'linux/arm64', digest: d('1') },
  { ref: 'arm64v8/golang:1.10-alpine3.7', platform: 'linux/arm64', digest: d('2'), index: d('3') },
  { ref: 'python:3.6', platform: 'linux/arm/v7', digest: d('4'), index: d('5') },
  { ref: 'python:3.6', platform: 'linux/arm64', digest: d('6'), index: d('5') },
];

describe('xdf.lock', () => {
  it('is the same bytes whatever the order the entries came in', () => {
    const text = formatLockFile(ENTRIES);
    expect(formatLockFile([...ENTRIES].reverse())).toBe(text);
    expect(formatLockFile([ENTRIES[2], ENTRIES[0], ENTRIES[3], ENTRIES[1]])).toBe(text);
    expect(text.split('\n').filter((l) => l.startsWith('  - ref: '))).toEqual([
      '  - ref: arm64v8/golang:1.10-alpine3.7',
      '  - ref: multiarch/alpine:aarch64-v3.7',
      '  - ref: python:3.6',
      '  - ref: python:3.6',
    ]);
    expect(text).toMatch(/^# xdf.lock/);
    expect(text).not.toMatch(/20\d\d-/); // no dates
  });

  it('reads back what it writes', () => {
    const parsed = parseLockFile(formatLockFile(ENTRIES), 'xdf.lock');
    expect([...parsed.values()].sort((a, b) => a.digest.localeCompare(b.digest))).toEqual(
      ENTRIES.sort((a, b) => a.digest.localeCompare(b.digest)),
    );
    expect(parseLockFile(formatLockFile([]), 'xdf.lock').size).toBe(0);
  });

  it('refuses a value that could reach a Dockerfile unchecked (XDF075)', () => {
    const bad = [
      formatLockFile(ENTRIES).replace(d('1'), 'sha256:1234'),
      formatLockFile(ENTRIES).replace('ref: python:3.6', 'ref: "python:3.6\\nRUN evil"'),
      formatLockFile(ENTRIES).replace('linux/arm64', 'linux arm64'),
      'version: 2\nimages: []\n',
      'images: [\n',
    ];
    for (const text of bad) {
      let error: unknown;
      try {
        parseLockFile(text, '/p/xdf.lock');
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(XdfError);
      expect((error as XdfError).code).toBe('XDF075');
    }
  });

  it('pins a mapped image by its digest, keeping the tag; no entry is XDF074 at the image', () => {
    const lock = lockedImages(parseLockFile(formatLockFile(ENTRIES), 'xdf.lock'), 'xdf.lock');
    expect(lock.pin('python:3.6', 'linux/arm64', {})).toBe(`python:3.6@${d('6')}`);
    expect(lock.pin('golang:${GO}', 'linux/arm64', {})).toBe('golang:${GO}');
    expect(lock.pin(`python@${d('9')}`, 'linux/arm64', {})).toBe(`python@${d('9')}`);
    expect(() =>
      lock.pin('python:3.7', 'linux/arm64', { file: 'Dockerfile.tpl', line: 3, column: 6 }),
    ).toThrow(/python:3.7 for linux\/arm64 has no entry in xdf.lock/);
  });
});
