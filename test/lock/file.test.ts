import { describe, expect, it } from 'vitest';
import {
  formatLockFile,
  LOCK_LIMIT,
  lockedImages,
  parseLockFile,
  type LockEntry,
} from '../../src/lock/file.js';
import { InternalError, XdfError } from '../../src/core/errors.js';

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

  it('writes only what its reader reads: an xdf.lock over 1 MiB is read, one over the limit never written', () => {
    const entries = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        ref: `registry.example.com/team/app${i}:1`,
        platform: 'linux/arm64',
        digest: d('8'),
      }));
    const text = formatLockFile(entries(10_000)); // over 1 MiB, what a monorepo locks
    expect(Buffer.byteLength(text)).toBeGreaterThan(1 << 20);
    expect(Buffer.byteLength(text)).toBeLessThan(LOCK_LIMIT);
    expect(parseLockFile(text, 'xdf.lock').size).toBe(10_000);
    let err: unknown;
    try {
      formatLockFile(entries(Math.ceil(LOCK_LIMIT / 100)));
    } catch (e) {
      err = e;
    }
    expect((err as XdfError).problems[0]).toMatchObject({ code: 'XDF053' });
  });

  it('reads back an untagged image that YAML would take for a boolean or a number', () => {
    const refs = ['true', 'false', 'null', '123', '1e3', '0x1f', 'alpine', 'on', 'y'];
    const entries = refs.map((ref) => ({ ref, platform: 'linux/arm64', digest: d('7') }));
    const text = formatLockFile(entries);
    expect([...parseLockFile(text, 'xdf.lock').values()].map((e) => e.ref).sort()).toEqual(
      [...refs].sort(),
    );
    // quoted only where needed: the usual entry stays as it was
    expect(text).toContain('  - ref: "1e3"\n');
    expect(text).toContain('  - ref: alpine\n');
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

  it('refuses to write an entry off the grammar: a digest with a line break never adds entries', () => {
    const injected = `${d('a')}\n  - ref: python\n    platform: linux/arm64\n    digest: ${d('e')}`;
    const bad: LockEntry[] = [
      { ref: 'team/app:1', platform: 'linux/arm64', digest: injected },
      { ref: 'team/app:1', platform: 'linux/arm64', digest: 12345 as unknown as string },
      { ref: 'team/app:1', platform: 'linux/arm64', digest: `sha256:${'a'.repeat(63)}` },
      { ref: 'team/app:1', platform: 'linux/arm64', digest: `sha256:${'A'.repeat(64)}` },
      { ref: 'team/app:1', platform: 'linux/arm64', digest: `md5:${'a'.repeat(32)}` },
      { ref: 'team/app:1', platform: 'linux/arm64', digest: d('a'), index: `${d('b')}\nx: 1` },
      { ref: 'team/app:1\n  - ref: python', platform: 'linux/arm64', digest: d('a') },
      { ref: 'team/app:${V}', platform: 'linux/arm64', digest: d('a') },
      { ref: 'team/app:1', platform: 'linux/arm64\n', digest: d('a') },
    ];
    for (const entry of bad)
      expect(() => formatLockFile([...ENTRIES, entry]), JSON.stringify(entry)).toThrow(
        InternalError,
      );
    // sha512 is a digest of the grammar too
    const long = {
      ref: 'team/app:1',
      platform: 'linux/arm64',
      digest: `sha512:${'f'.repeat(128)}`,
    };
    expect([...parseLockFile(formatLockFile([long]), 'xdf.lock').values()]).toEqual([long]);
  });

  it('refuses on reading what it would refuse to write, at the line of the entry (XDF075)', () => {
    const text = formatLockFile(ENTRIES);
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    const cases: [string, string, number][] = [
      [text.replace(d('6'), `sha256:${'6'.repeat(63)}`), 'images[3].digest', lineOf(d('6'))],
      [text.replace(d('6'), 12345 as unknown as string), 'images[3].digest', lineOf(d('6'))],
      [text.replace(d('5'), `"${d('5')}\\n"`), 'images[2].index', lineOf(d('5'))],
      [
        text.replace(`ref: python:3.6`, 'ref: "python:${PY}"'),
        'images[2].ref',
        lineOf('ref: python:3.6'),
      ],
      [
        text.replace(`ref: python:3.6`, `ref: python:3.6@${d('9')}`),
        'images[2].ref',
        lineOf('ref: python:3.6'),
      ],
      [
        text.replace(`digest: ${d('1')}`, `digest: ${d('1')}\n    extra: 1`),
        'images[1] has an unknown key',
        lineOf(`ref: multiarch`),
      ],
      [
        text.replace('  - ref: arm64v8/golang', '  - 5\n  - ref: arm64v8/golang'),
        'images[0] is not an entry',
        lineOf('  - ref: arm64v8/golang'),
      ],
    ];
    for (const [bad, what, line] of cases) {
      let error: XdfError | undefined;
      try {
        parseLockFile(bad, '/p/xdf.lock');
      } catch (e) {
        error = e as XdfError;
      }
      expect(error, bad).toBeInstanceOf(XdfError);
      expect(error!.problems[0], bad).toMatchObject({ code: 'XDF075', file: '/p/xdf.lock', line });
      expect(error!.message).toContain(what);
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
