import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8 } from '../../src/core/utf8.js';
import { probe, readText, type InputKind } from '../../src/fs/read.js';

const readInput = (file: string, kind: InputKind, limit: number) => readText(file, { kind, limit });
import { isInside, RealPaths } from '../../src/fs/real-paths.js';

const physicalPath = (file: string) => new RealPaths().physical(file);
import { problemOf } from '../helpers/problems.js';

describe('firstInvalidUtf8', () => {
  it.each([
    ['valid ASCII and multi-byte', Buffer.from('FROM café ☃ 😀\n'), -1],
    ['a latin1 byte', Buffer.from([0x61, 0xe9, 0x62]), 1],
    ['an overlong encoding', Buffer.from([0x61, 0xc0, 0xaf]), 1],
    ['a surrogate', Buffer.from([0xed, 0xa0, 0x80]), 0],
    ['a truncated sequence at the end', Buffer.from([0x61, 0xe2, 0x98]), 1],
    ['a code point above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80]), 0],
  ])('%s', (_name, bytes, at) => {
    expect(firstInvalidUtf8(bytes)).toBe(at === -1 ? bytes.length : at);
  });
});

describe('readInput', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-load-'));
  it('names the first bad byte by line and column (XDF004), never replacing it', () => {
    const file = path.join(dir, 'latin1.tpl');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('FROM x\r\nRUN echo '), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    expect(problemOf(() => readInput(file, 'template', 1000))).toMatchObject({
      code: 'XDF004',
      line: 2,
      column: 10,
    });
  });
  it('refuses a folder (XDF005) and a file over the limit (XDF053)', () => {
    expect(problemOf(() => readInput(dir, 'template', 1000))).toMatchObject({ code: 'XDF005' });
    const big = path.join(dir, 'big.tpl');
    fs.writeFileSync(big, 'x'.repeat(11));
    expect(problemOf(() => readInput(big, 'template', 10))).toMatchObject({ code: 'XDF053' });
  });
  it('a symlink to nothing is present and refused (XDF005), never read as a missing file', () => {
    const gone = path.join(dir, 'gone.lock');
    fs.symlinkSync(path.join(dir, 'no-such-file'), gone);
    const loop = path.join(dir, 'loop.lock');
    fs.symlinkSync(loop, loop);
    for (const link of [gone, loop]) {
      expect(probe(link)).toBe('other');
      expect(problemOf(() => readInput(link, 'lock file', 1000))).toMatchObject({
        code: 'XDF005',
        message: expect.stringContaining('is a symlink to nothing'),
      });
    }
    expect(probe(path.join(dir, 'no-such-file'))).toBe('missing');
  });
});

describe('paths', () => {
  it('isInside compares path components, not string prefixes', () => {
    expect(isInside('/p/app', '/p/app/x')).toBe(true);
    expect(isInside('/p/app', '/p/app')).toBe(true);
    expect(isInside('/p/app', '/p/application/x')).toBe(false);
    expect(isInside('/p/app', '/p/app/../x')).toBe(false);
    expect(isInside('/p/app', '/p/app/..x')).toBe(true);
  });
  it('physicalPath resolves the folders that exist, not the last part', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-phys-')));
    fs.mkdirSync(path.join(dir, 'real'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    fs.symlinkSync('/etc/hostname', path.join(dir, 'real', 'out'));
    expect(physicalPath(path.join(dir, 'link', 'new', 'deeper', 'file'))).toBe(
      path.join(dir, 'real', 'new', 'deeper', 'file'),
    );
    expect(physicalPath(path.join(dir, 'link', 'out'))).toBe(path.join(dir, 'real', 'out'));
  });
});
