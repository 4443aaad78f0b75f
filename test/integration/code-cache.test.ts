// bin/xdf.cjs keeps V8's compiled code between runs: that cache may make a run faster, never
// change what it prints or its exit code, whatever state the cache folder is in.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/xdf.cjs');
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const TEMPLATE = 'FROM python:3.12\nRUN pip install flask\n';
const CONFIG = 'arches: [amd64, arm64v8]\nmatrix: { formats: [json, make], image: myorg/app }\n';

function project(): string {
  const dir = tmp('xdf-code-cache-');
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), TEMPLATE);
  fs.writeFileSync(path.join(dir, 'xdf.yaml'), CONFIG);
  return dir;
}

/** A run of the installed command with this cache home; what a user sees of it. */
function xdf(cwd: string, cacheHome: string, ...args: string[]) {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, HOME: cacheHome };
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A cache home no process can write to, not even root's: it sits below a regular file. */
function unusableHome(): string {
  const file = path.join(tmp('xdf-no-cache-'), 'a-file');
  fs.writeFileSync(file, '');
  return path.join(file, 'cache');
}

const cacheFiles = (home: string) => {
  const dir = path.join(home, 'xdf');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
};

/** check and generate after each input edit, the same whatever the cache does. */
function session(cacheHome: string, damage: () => void = () => {}) {
  const dir = project();
  const seen: ReturnType<typeof xdf>[] = [];
  const step = (...args: string[]) => {
    damage();
    seen.push(xdf(dir, cacheHome, ...args));
  };
  step('generate');
  step('check');
  fs.appendFileSync(path.join(dir, 'Dockerfile.tpl'), 'RUN echo changed\n');
  step('check');
  fs.writeFileSync(path.join(dir, 'xdf.yaml'), CONFIG.replace('arm64v8]', 'arm64v8, s390x]'));
  step('check');
  step('generate');
  step('check');
  step('--help');
  return seen.map((r) => ({ ...r, stdout: r.stdout.replaceAll(dir, '<dir>') }));
}

describe('the code cache', () => {
  const expected = session(unusableHome());

  it('holds compiled code only: a warm cache sees every input edit', () => {
    const home = tmp('xdf-cache-home-');
    session(home); // warms the cache for every command the session runs
    expect(cacheFiles(home).length).toBeGreaterThan(0);
    expect(expected.map((r) => r.code)).toEqual([0, 0, 1, 1, 0, 0, 0]);
    expect(session(home)).toEqual(expected);
  });

  it('a corrupt or truncated cache changes neither output nor exit code', () => {
    const home = tmp('xdf-cache-home-');
    session(home);
    let round = 0;
    const damage = () => {
      for (const file of cacheFiles(home)) {
        const bytes = fs.readFileSync(file);
        if (round % 2) fs.writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
        else
          fs.writeFileSync(
            file,
            bytes.map((b, i) => (i > 64 && i % 97 === 0 ? b ^ 0xff : b)),
          );
      }
      round++;
    };
    expect(session(home, damage)).toEqual(expected);
  });

  it('a run stopped by bad input keeps no cache: it compiled too little to be worth keeping', () => {
    const home = tmp('xdf-cache-home-');
    const dir = project();
    fs.writeFileSync(path.join(dir, 'xdf.yaml'), 'arches: [amd64, arm64v9]\n');
    expect(xdf(dir, home, 'check').code).toBe(2);
    expect(cacheFiles(home)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'xdf.yaml'), CONFIG);
    expect(xdf(dir, home, 'check').code).toBe(1); // nothing generated yet
    expect(cacheFiles(home).length).toBeGreaterThan(0);
  });

  it('a run on a large input (it asks V8 for a full GC) keeps no cache and spoils none', () => {
    const home = tmp('xdf-cache-home-');
    const dir = project();
    const big = 'FROM python:3.12\n' + 'RUN echo step\n'.repeat(90_000); // over 1 MiB
    fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), big);
    expect(xdf(dir, unusableHome(), 'generate', '--no-template').code).toBe(0);
    const cold = xdf(dir, unusableHome(), 'check', '--no-template');
    expect(cold.code).toBe(0);
    expect(xdf(dir, home, 'check', '--no-template')).toEqual(cold);
    expect(cacheFiles(home)).toEqual([]); // V8 would reject what it wrote, run after run
    expect(xdf(dir, home, 'check', '--help').code).toBe(0); // a small run of the same command
    const kept = cacheFiles(home).map((f) => [f, fs.statSync(f).mtimeMs]);
    expect(kept.length).toBeGreaterThan(0);
    expect(xdf(dir, home, 'check', '--no-template')).toEqual(cold);
    expect(cacheFiles(home).map((f) => [f, fs.statSync(f).mtimeMs])).toEqual(kept);
  });

  it('a read-only or missing cache folder is no error and writes nothing', () => {
    const readOnly = tmp('xdf-cache-ro-');
    fs.chmodSync(readOnly, 0o555);
    expect(session(readOnly)).toEqual(expected);
    if (process.getuid?.() !== 0) expect(fs.readdirSync(readOnly)).toEqual([]); // root writes anyway
    expect(session(path.join(tmp('xdf-cache-gone-'), 'missing', 'deeper'))).toEqual(expected);
  });
});

// V8 checks cached code only against its source's length: a cache file that xdf did not write
// would run its own code inside every command, check included. Each attack below plants a cache
// that runs "PWNED" instead of xdf, and each is shown to work where it was made first, so that a
// rejection is the defence at work and not a broken fixture.
describe('a code cache that xdf did not write, for this build on this machine, is never run', () => {
  const ROOT = path.resolve(__dirname, '../..');
  const REAL = path.join(ROOT, 'dist/xdf.cjs');
  const PWNED = 'PWNED';

  /**
   * dist/xdf.cjs of the same length (in characters and bytes) and mtime, so its cache gets the
   * name of the real one, that prints PWNED and checks nothing (exit 0).
   */
  function hostileSource(): string {
    const real = fs.readFileSync(REAL, 'utf8');
    const head = `require("fs").writeSync(1, "${PWNED}\\n"); module.exports = { run() {} }; /*`;
    const wide = Buffer.byteLength(real) - real.length; // bytes beyond one per UTF-16 unit
    const pad = real.length - head.length - wide - 2;
    const text = `${head}${'é'.repeat(wide)}${' '.repeat(pad)}*/`;
    expect([text.length, Buffer.byteLength(text)]).toEqual([real.length, Buffer.byteLength(real)]);
    return text;
  }

  let hostileBin: string | undefined;
  /** A copy of the package whose dist/xdf.cjs is hostile: what an attacker runs to make a cache. */
  function hostilePackage(): string {
    if (hostileBin) return hostileBin;
    const pkg = tmp('xdf-hostile-package-');
    fs.cpSync(path.join(ROOT, 'bin'), path.join(pkg, 'bin'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'dist'), path.join(pkg, 'dist'), { recursive: true });
    const file = path.join(pkg, 'dist/xdf.cjs');
    fs.writeFileSync(file, hostileSource());
    // In seconds with the fraction: a Date rounds to the millisecond, and the cache's name floors it.
    const { atimeMs, mtimeMs } = fs.statSync(REAL);
    fs.utimesSync(file, atimeMs / 1000, mtimeMs / 1000);
    hostileBin = path.join(pkg, 'bin/xdf.cjs');
    return hostileBin;
  }

  /** V8's cached code of the hostile source, compiled (not run) by a plain node. */
  function hostileCode(): Buffer {
    const source = path.join(tmp('xdf-hostile-source-'), 'xdf.cjs');
    fs.writeFileSync(source, hostileSource());
    const compile =
      'const fs = require("fs"); const { wrap } = require("module"); const vm = require("vm");' +
      'const s = new vm.Script(wrap(fs.readFileSync(process.argv[1], "utf8")), ' +
      '{ filename: process.argv[2] });' +
      // Compiles the module's body and run() with a require that prints nothing.
      'const m = { exports: {} }; s.runInThisContext()(m.exports, () => ({ writeSync() {} }), m);' +
      'm.exports.run(); fs.writeSync(1, s.createCachedData());';
    const r = spawnSync(process.execPath, ['-e', compile, source, REAL], { maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    return r.stdout;
  }

  /** A project whose outputs are stale, and what check says of it with no cache at all. */
  const dir = project();
  expect(xdf(dir, unusableHome(), 'generate').code).toBe(0);
  fs.appendFileSync(path.join(dir, 'Dockerfile.tpl'), 'RUN echo changed\n');
  const stale = xdf(dir, unusableHome(), 'check');

  /** `check` with this cache home says exactly what it says without a cache. */
  function expectCheckUnharmed(home: string) {
    const r = xdf(dir, home, 'check');
    expect(r.stdout).not.toContain(PWNED);
    expect(r).toEqual(stale);
  }

  /** A cache folder made by xdf running the hostile build: this user's, this machine's. */
  function hostileFolder(run: (home: string) => ReturnType<typeof xdf>): string {
    const home = tmp('xdf-hostile-home-');
    const made = run(home);
    expect([made.code, made.stdout]).toEqual([0, `${PWNED}\n`]);
    return home;
  }
  const hostileRun = (home: string) => {
    const env = { ...process.env, XDG_CACHE_HOME: home, HOME: home };
    const r = spawnSync(process.execPath, [hostilePackage(), 'check'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const xdfCache = (home: string) =>
    cacheFiles(home).filter((f) => /^xdf\.check-.*\.v8$/.test(path.basename(f)));
  const contents = (home: string) =>
    Object.fromEntries(cacheFiles(home).map((f) => [path.basename(f), fs.readFileSync(f)]));
  const snapshot = (home: string) =>
    cacheFiles(home).map((f) => [f, fs.statSync(f).ino, fs.statSync(f).ctimeMs]);

  it('the stale project is stale, and a folder made by xdf for the hostile build runs it', () => {
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('--- Dockerfile.amd64 (on disk)');
    // Made and used by this user on this machine: the one place a cache is trusted.
    const home = hostileFolder(hostileRun);
    expect(xdf(dir, home, 'check')).toMatchObject({ code: 0, stdout: `${PWNED}\n` });
  });

  it("planted in the user's own folder, with the real name: stored twice, or made by xdf elsewhere", () => {
    const home = tmp('xdf-cache-home-');
    expect(xdf(dir, home, 'check').code).toBe(1); // the user's cache, warm
    const [real] = xdfCache(home);
    expect(real).toBeDefined();
    // What a cache file held before xdf checked where it came from: V8's data, twice.
    const code = hostileCode();
    fs.writeFileSync(real, Buffer.concat([code, code]));
    expectCheckUnharmed(home);
    // Every file of a folder that xdf made for the hostile build, copied over the user's.
    const made = hostileFolder(hostileRun);
    expect(xdfCache(made).map((f) => path.basename(f))).toEqual([path.basename(real)]);
    for (const file of cacheFiles(made))
      fs.copyFileSync(file, path.join(home, 'xdf', path.basename(file)));
    expectCheckUnharmed(home);
    expectCheckUnharmed(home); // and written anew by the run that refused it
  });

  it('restored on this machine (cp -a: the same bytes, names, owner, modes and times) is not read', () => {
    const made = hostileFolder(hostileRun);
    const home = tmp('xdf-cache-home-');
    expect(spawnSync('cp', ['-a', path.join(made, 'xdf'), path.join(home, 'xdf')]).status).toBe(0);
    expectCheckUnharmed(home);
    expectCheckUnharmed(home);
  });

  it('in a folder that others can write: not read, made 0700 and rewritten', () => {
    for (const mode of [0o770, 0o707]) {
      const home = hostileFolder(hostileRun);
      fs.chmodSync(path.join(home, 'xdf'), mode);
      expectCheckUnharmed(home);
      expect(fs.statSync(path.join(home, 'xdf')).mode & 0o777).toBe(0o700);
      expectCheckUnharmed(home);
    }
  });

  it('a cache file that others can write is not read', () => {
    const home = hostileFolder(hostileRun);
    for (const file of cacheFiles(home)) fs.chmodSync(file, 0o622);
    expectCheckUnharmed(home);
  });

  it('a folder that is a symlink is not read, nor written through', () => {
    const home = tmp('xdf-cache-home-');
    fs.symlinkSync(path.join(hostileFolder(hostileRun), 'xdf'), path.join(home, 'xdf'));
    const before = snapshot(home);
    expectCheckUnharmed(home);
    expect(snapshot(home)).toEqual(before);
  });

  it.skipIf(process.getuid?.() !== 0)('a folder or file of another user is not read', () => {
    const NOBODY = 65534;
    const theirs = hostileFolder(hostileRun);
    const chown = (file: string) => fs.chownSync(file, NOBODY, NOBODY);
    chown(path.join(theirs, 'xdf'));
    cacheFiles(theirs).forEach(chown);
    const before = snapshot(theirs);
    expectCheckUnharmed(theirs);
    expect(snapshot(theirs)).toEqual(before); // nor written: it is not the user's folder
    const ours = hostileFolder(hostileRun);
    xdfCache(ours).forEach(chown);
    expectCheckUnharmed(ours);
    expectCheckUnharmed(ours);
  });

  // A folder restored from another machine or boot (a CI cache saved by another job, a copied
  // home) brings its stamps along. Another boot or host is made here with a private boot id
  // file or host name in Linux namespaces, which only this test's own process tree sees: the
  // installed command has no switch or variable that could point it at another boot id.
  const fakeBoot = path.join(tmp('xdf-boot-'), 'boot_id');
  fs.writeFileSync(fakeBoot, '0d0e0a0d-1111-4222-8333-444455556666\n');
  const elsewhere = {
    'another boot': `mount --bind ${fakeBoot} /proc/sys/kernel/random/boot_id`,
    'another host': 'hostname xdf-another-machine',
  };
  const inNamespace =
    (setup: string) =>
    (cwd: string, home: string, ...argv: string[]) => {
      const env = { ...process.env, XDG_CACHE_HOME: home, HOME: home };
      const unshare = ['--user', '--map-root-user', '--mount', '--uts'];
      const script = `${setup} && exec "$@"`;
      const r = spawnSync('unshare', [...unshare, 'sh', '-c', script, 'sh', ...argv], {
        cwd,
        env,
        encoding: 'utf8',
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
  const probe = inNamespace(`${elsewhere['another boot']} && ${elsewhere['another host']}`);
  const canUnshare =
    process.platform === 'linux' &&
    probe('/', '/', 'cat', '/proc/sys/kernel/random/boot_id').stdout ===
      fs.readFileSync(fakeBoot, 'utf8');

  for (const [where, setup] of Object.entries(elsewhere)) {
    it.skipIf(!canUnshare)(`a folder made on ${where}, its stamps included, is not read`, () => {
      const there = inNamespace(setup);
      const home = hostileFolder((h) => there(dir, h, process.execPath, hostilePackage(), 'check'));
      const made = contents(home);
      // There, the folder is one that xdf uses: the attack works where it was made.
      expect(there(dir, home, process.execPath, BIN, 'check')).toMatchObject({
        code: 0,
        stdout: `${PWNED}\n`,
      });
      expectCheckUnharmed(home);
      // Here, the cache was written anew, then used and kept.
      const now = contents(home);
      for (const name of Object.keys(now))
        expect(now[name].equals(made[name] ?? Buffer.alloc(0))).toBe(false);
      const kept = snapshot(home);
      expectCheckUnharmed(home);
      expect(snapshot(home)).toEqual(kept);
    });
  }

  it('a cache that xdf wrote here is used and kept: private to the user, V8 takes it', () => {
    const home = tmp('xdf-cache-home-');
    expect(xdf(dir, home, 'check')).toEqual(stale);
    const folder = path.join(home, 'xdf');
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    const files = cacheFiles(home);
    expect(files.map((f) => fs.statSync(f).mode & 0o777)).toEqual(files.map(() => 0o600));
    // The bundles check loaded, each with the stamp that says where it came from.
    const names = files.map((f) => path.basename(f).replace(/-[0-9a-f]{32}-.*?(\.stamp)?$/, '$1'));
    expect(names).toEqual([
      'diff.check',
      'diff.check.stamp',
      'dockerfile-ast.check',
      'dockerfile-ast.check.stamp',
      'xdf.check',
      'xdf.check.stamp',
      'yaml.check',
      'yaml.check.stamp',
    ]);
    // A cache that V8 rejected, or that xdf did not trust, is written anew at exit: kept means used.
    const kept = snapshot(home);
    expect(xdf(dir, home, 'check')).toEqual(stale);
    expect(snapshot(home)).toEqual(kept);
  });
});
