import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { XdfError } from '../../src/core/errors.js';
import { OutputFolders } from '../../src/fs/disk.js';
import { writeFiles } from '../../src/fs/write.js';
import { problemOf } from '../helpers/problems.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-write-'));

describe('writeFiles', () => {
  it('writes only what changed, keeps the mtime of the rest, and creates missing folders', () => {
    const dir = tmp();
    const same = path.join(dir, 'Dockerfile.amd64');
    fs.writeFileSync(same, 'FROM a\n');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(same, old, old);
    const result = writeFiles(
      [
        { path: same, content: 'FROM a\n' },
        { path: path.join(dir, 'sub', 'Dockerfile.arm64v8'), content: 'FROM b\n' },
      ],
      [],
    );
    expect(result.wrote).toEqual([path.join(dir, 'sub', 'Dockerfile.arm64v8')]);
    expect(fs.statSync(same).mtime.getTime()).toBe(old.getTime());
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.xdf-tmp-'))).toEqual([]);
  });

  it('sweeps temp files left by a killed run and deletes orphans', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, '.xdf-tmp-999999999-0a1b2c3d-0-Dockerfile.amd64'), 'partial');
    fs.writeFileSync(path.join(dir, 'Dockerfile.s390x'), 'old');
    const result = writeFiles(
      [{ path: path.join(dir, 'Dockerfile.amd64'), content: 'x' }],
      [path.join(dir, 'Dockerfile.s390x')],
    );
    expect(result.deleted).toEqual([path.join(dir, 'Dockerfile.s390x')]);
    expect(fs.readdirSync(dir).sort()).toEqual(['Dockerfile.amd64']);
  });

  it("sweeps only xdf's exact temp names, for this run's outputs, of runs no longer alive", () => {
    const dir = tmp();
    const dead = (name: string) => `.xdf-tmp-999999999-0a1b2c3d-3-${name}`;
    const kept = [
      `.xdf-tmp-${process.ppid}-0a1b2c3d-0-Dockerfile.arm64v8`, // a run still alive
      '.xdf-tmp-999999-notes', // a user's file named like a temp
      '.xdf-tmp-notes.md',
      '.xdf-tmp-999999999-0-Dockerfile.amd64', // not the temp name xdf makes
      '.xdf-tmp-999999999-0A1B2C3D-0-Dockerfile.amd64',
      '.xdf-tmp-999999999-0a1b2c3d-x-Dockerfile.amd64',
      dead('notes.md'), // xdf's form, but for no output of this run
      dead('Dockerfile'),
    ];
    for (const name of [...kept, dead('Dockerfile.amd64'), dead('Dockerfile.arm64v8')])
      fs.writeFileSync(path.join(dir, name), 'x');
    fs.mkdirSync(path.join(dir, dead('Dockerfile.s390x'))); // never a folder
    writeFiles([{ path: path.join(dir, 'Dockerfile.amd64'), content: 'x' }], [], undefined, {
      entries: new Map(),
      folders: new OutputFolders(),
      // every output of the run, written or not
      outputs: ['Dockerfile.amd64', 'Dockerfile.arm64v8', 'Dockerfile.s390x'].map((n) =>
        path.join(dir, n),
      ),
    });
    expect(fs.readdirSync(dir).sort()).toEqual(
      [...kept, dead('Dockerfile.s390x'), 'Dockerfile.amd64'].sort(),
    );
  });

  it('a run that fails sweeps nothing', () => {
    const dir = tmp();
    const temp = '.xdf-tmp-999999999-0a1b2c3d-0-a';
    fs.writeFileSync(path.join(dir, temp), 'x');
    // The plan saw nothing at `a`; by the rename a non-empty folder is there: the rename fails.
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', 'keep'), '');
    expect(() =>
      writeFiles([{ path: path.join(dir, 'a'), content: 'A' }], [], undefined, {
        entries: new Map([[path.join(dir, 'a'), { kind: 'missing' }]]),
        folders: new OutputFolders(),
      }),
    ).toThrow(/cannot replace/);
    expect(fs.readdirSync(dir).sort()).toEqual([temp, 'a']);
  });

  it('a read-only folder is a clear error and nothing changes', () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions: make the target a file where a folder is needed instead
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'blocker'), '');
      const before = fs.readdirSync(dir);
      let err: unknown;
      try {
        writeFiles(
          [
            { path: path.join(dir, 'a'), content: 'A' },
            { path: path.join(dir, 'blocker', 'x'), content: 'x' },
          ],
          [],
        );
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(XdfError);
      expect((err as XdfError).problems[0].code).toBe('XDF052');
      expect(fs.readdirSync(dir)).toEqual(before);
      return;
    }
    const dir = tmp();
    fs.chmodSync(dir, 0o555);
    expect(() => writeFiles([{ path: path.join(dir, 'a'), content: 'A' }], [])).toThrow(XdfError);
  });

  it('a file it cannot delete stops the run before anything is written', () => {
    const dir = tmp();
    const kept = path.join(dir, 'Dockerfile.amd64');
    fs.writeFileSync(kept, 'old\n');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(kept, old, old);
    fs.mkdirSync(path.join(dir, 'b'));
    const orphan = path.join(dir, 'b', 'Dockerfile.arm32v7');
    if (process.getuid?.() === 0) {
      // root deletes in a read-only folder: the orphan became a folder instead
      fs.mkdirSync(orphan);
      fs.writeFileSync(path.join(orphan, 'keep'), '');
    } else {
      fs.writeFileSync(orphan, 'old\n');
      fs.chmodSync(path.join(dir, 'b'), 0o555);
    }
    let err: unknown;
    try {
      writeFiles([{ path: kept, content: 'new\n' }], [orphan]);
    } catch (e) {
      err = e;
    }
    fs.chmodSync(path.join(dir, 'b'), 0o755);
    expect((err as XdfError).problems[0]).toMatchObject({ code: 'XDF052', file: orphan });
    expect(fs.readFileSync(kept, 'utf8')).toBe('old\n');
    expect(fs.statSync(kept).mtime.getTime()).toBe(old.getTime());
    expect(fs.readdirSync(dir).sort()).toEqual(['Dockerfile.amd64', 'b']);
  });

  it('a name longer than a file system takes stops the run before anything is written', () => {
    const dir = tmp();
    const first = path.join(dir, 'Dockerfile.amd64');
    fs.writeFileSync(first, 'old\n');
    const long = path.join(dir, `D.${'x'.repeat(300)}`);
    expect(
      problemOf(() =>
        writeFiles(
          [
            { path: first, content: 'new\n' },
            { path: long, content: 'x' },
          ],
          [],
        ),
      ),
    ).toMatchObject({
      code: 'XDF052',
      message: expect.stringContaining('its name is over 255 bytes'),
    });
    expect(fs.readFileSync(first, 'utf8')).toBe('old\n');
    expect(fs.readdirSync(dir)).toEqual(['Dockerfile.amd64']);
  });

  it('a run killed mid-write leaves every file old or new, never partial', async () => {
    const count = 400;
    const oldText = (i: number) => `old ${i}\n`.repeat(1000);
    const newText = (i: number) => `new ${i}\n`.repeat(20_000);
    // The child is frozen (SIGSTOP) once it is visibly mid-run, so the kill lands there for sure;
    // a child that finished first is no verdict, and the run is tried again.
    const killMidRun = async (dir: string): Promise<boolean> => {
      const script = `
        import { writeFiles } from ${JSON.stringify(path.resolve(__dirname, '../../src/fs/write.ts'))};
        const files = Array.from({ length: ${count} }, (_, i) => ({ path: ${JSON.stringify(dir)} + '/Dockerfile.' + i, content: ('new ' + i + '\\n').repeat(20000) }));
        process.stdout.write('start\\n');
        writeFiles(files, []);`;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let exited = false;
      child.on('exit', () => {
        exited = true;
      });
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('start')) resolve();
        }),
      );
      while (
        !exited &&
        fs.readdirSync(dir).filter((n) => n.startsWith('.xdf-tmp-')).length < count / 4
      )
        await new Promise((r) => setImmediate(r));
      child.kill('SIGSTOP');
      const midRun = !exited && fs.readdirSync(dir).some((n) => n.startsWith('.xdf-tmp-'));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      return midRun;
    };
    let dir = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      dir = tmp();
      for (let i = 0; i < count; i++)
        fs.writeFileSync(path.join(dir, `Dockerfile.${i}`), oldText(i));
      if (await killMidRun(dir)) break;
      dir = '';
    }
    expect(dir, 'the kill landed mid-run in one of 5 tries').not.toBe('');
    for (let i = 0; i < count; i++) {
      const text = fs.readFileSync(path.join(dir, `Dockerfile.${i}`), 'utf8');
      expect(text === oldText(i) || text === newText(i), `Dockerfile.${i} is old or new`).toBe(
        true,
      );
    }
    // the next run, with the same outputs, sweeps the dead run's temps
    writeFiles(
      Array.from({ length: count }, (_, i) => ({
        path: path.join(dir, `Dockerfile.${i}`),
        content: newText(i),
      })),
      [],
    );
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.xdf-tmp-'))).toEqual([]);
  }, 120_000);
});
