import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputFolders, readEntry, sameBytes } from '../../src/fs/disk.js';

describe('OutputFolders', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-listing-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile.AMD64'), 'hand-kept');
  fs.writeFileSync(path.join(dir, 'Dockerfile.arm64v8'), 'FROM x\n');
  fs.mkdirSync(path.join(dir, 'Dockerfile.s390x'));
  fs.symlinkSync('/etc/hostname', path.join(dir, 'Dockerfile.i386'));
  fs.writeFileSync(path.join(dir, 'file'), '');

  it('answers from one listing what is at each name, without following a symlink', () => {
    const folders = new OutputFolders();
    folders.list(dir);
    const at = (name: string) => readEntry(path.join(dir, name), folders);
    expect(at('Dockerfile.arm64v8')).toEqual({
      kind: 'file',
      bytes: Buffer.from('FROM x\n'),
      mode: fs.statSync(path.join(dir, 'Dockerfile.arm64v8')).mode & 0o7777,
    });
    expect(at('Dockerfile.s390x')).toEqual({ kind: 'folder' });
    expect(at('Dockerfile.i386')).toEqual({ kind: 'symlink' });
    expect(at('Dockerfile.ppc64le')).toEqual({ kind: 'missing' });
  });

  it('a name listed only in another case is asked of the disk, never assumed absent', () => {
    // On a file system that ignores case, Dockerfile.amd64 IS Dockerfile.AMD64.
    const folders = new OutputFolders();
    folders.list(dir);
    expect(folders.kindAt(path.join(dir, 'Dockerfile.amd64'))).toBeUndefined();
    expect(folders.kindAt(path.join(dir, 'Dockerfile.ppc64le'))).toBe('missing');
  });

  it('a folder that is missing has nothing; one that is a file leaves the answer to the disk', () => {
    const folders = new OutputFolders();
    expect(folders.list(path.join(dir, 'none'))).toBe('missing');
    expect(readEntry(path.join(dir, 'none', 'x'), folders)).toEqual({ kind: 'missing' });
    expect(folders.list(path.join(dir, 'file'))).toBe('unlisted');
    expect(readEntry(path.join(dir, 'file', 'x'), folders)).toEqual({
      kind: 'blocked',
      by: path.join(dir, 'file'),
    });
  });

  it('a file replaced by a FIFO after the listing is read as what it now is, without waiting', () => {
    const fifoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-fifo-'));
    const file = path.join(fifoDir, 'Dockerfile.amd64');
    fs.writeFileSync(file, 'x');
    const folders = new OutputFolders();
    folders.list(fifoDir);
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
    expect(readEntry(file, folders)).toEqual({ kind: 'other' });
  });
});

describe('sameBytes', () => {
  it('compares bytes, never decoded text: a bad byte is not the character it decodes to', () => {
    const text = 'FROM x\nRUN echo \u00e9\n';
    expect(sameBytes(Buffer.from(text), text)).toBe(true);
    expect(sameBytes(Buffer.from(text), Buffer.from(text))).toBe(true);
    expect(sameBytes(Buffer.from('FROM x\n'), 'FROM y\n')).toBe(false);
    expect(sameBytes(Buffer.from('FROM x\n'), 'FROM x\n\n')).toBe(false);
    // 0xff decodes to U+FFFD, whose UTF-8 is three bytes: same text, other bytes
    const bad = Buffer.from([0x41, 0xff, 0x42]);
    expect(bad.toString('utf8')).toBe('A\ufffdB');
    expect(sameBytes(bad, 'A\ufffdB')).toBe(false);
  });
});
