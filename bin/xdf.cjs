#!/usr/bin/env node
// The installed command: runs dist/xdf.cjs (made by `npm run build`; npm pack runs it through
// prepack). Node 20 keeps no compiled code between runs, so this loads dist/ through vm.Script with
// V8's code cache: compiled code only, never a result. Best effort: a missing, read-only, damaged
// or untrusted cache changes neither output nor exit code.
//
// V8 checks cached code only against its source's length: whoever could put a file in the cache
// folder could make every command, `check` included, run their code. So a cache file is used only
// when it is the very file xdf wrote, for this build, on this machine since it booted:
// - the folder is a real folder of the current user that no one else can write (xdf makes it
//   0700), and each file in it is the user's and writable by no one else;
// - beside each cache file, a stamp that xdf wrote with it names the boot id and host name, the
//   build (the file's name and the build's hash of its source) and the cache file's identity as
//   the kernel keeps it: device, inode, size, mtime and ctime. Nothing writes a file's bytes, or
//   puts another file in its place, and keeps that identity: the kernel sets ctime to the time of
//   every change and no call sets it otherwise (only root setting the clock back could), and a
//   copied or restored file (a CI cache from another job, a copied home) is a new inode with a new
//   ctime, while a stamp restored along with it names another boot, or another inode.
// Anything else is not read: the code is compiled from source, and the cache written anew when
// the folder is the user's.
'use strict';
const fs = require('node:fs');
const { createRequire, wrap } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const DIST = path.join(__dirname, '..', 'dist');
const CACHE = cacheFolder();
const NOFOLLOW = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);
const MAX_BYTES = 64 << 20; // of a cache file: V8's data twice, a few MiB for the largest bundle
const toWrite = []; // scripts compiled without a usable cache: their code is cached at exit
let hashes; // dist/hashes.json: each file's SHA-256, computed by the build
let machineId; // this machine since it booted: undefined until asked, null where unknown
let readable; // whether CACHE may be read: undefined until asked

/** $XDG_CACHE_HOME/xdf, else ~/.cache/xdf; none when neither is an absolute path. */
function cacheFolder() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'xdf');
  const home = process.env.HOME;
  return home && path.isAbsolute(home) ? path.join(home, '.cache', 'xdf') : undefined;
}

/**
 * The cache file for these exact bytes, its stamp, and the build it is for: the build's content
 * hash, guarded by size and mtime (a file edited after the build gets a new name), and Node's
 * version and arch. None when the hash is unknown.
 */
function cacheFile(file, fd, stem) {
  try {
    hashes ??= JSON.parse(fs.readFileSync(path.join(DIST, 'hashes.json'), 'utf8'));
    const hash = hashes[path.relative(DIST, file).split(path.sep).join('/')];
    if (!CACHE || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
    const { size, mtimeMs } = fs.fstatSync(fd);
    const node = `${process.version}-${process.arch}`;
    const name = `${stem}-${hash.slice(0, 32)}-${size}-${Math.floor(mtimeMs)}-${node}.v8`;
    const stamp = path.join(CACHE, `${name}.stamp`);
    return { file: path.join(CACHE, name), stamp, build: `${name}\n${hash}\n` };
  } catch {
    return undefined;
  }
}

/** The user's own: a file or folder of the current user that no one else can write. */
const ours = (stat) => stat.uid === process.getuid() && (stat.mode & 0o022) === 0;

/**
 * This machine since it booted, as a stamp names it: the kernel's boot id, and the host name
 * (containers share their host's boot id, not its name). None where Linux's /proc does not say:
 * then there is no cache.
 */
function machine() {
  if (machineId === undefined) {
    const boot = readSmall('/proc/sys/kernel/random/boot_id', 'r');
    const host = readSmall('/proc/sys/kernel/hostname', 'r');
    machineId = /^[0-9a-f-]{36}\n$/.test(boot) && host ? `${boot}${host}` : null;
  }
  return machineId;
}

/** A small file's text (latin1); none when it cannot be read or is not small. */
function readSmall(file, flags, accept = () => true) {
  let fd;
  try {
    fd = fs.openSync(file, flags);
    if (!accept(fs.fstatSync(fd))) return undefined;
    const buf = Buffer.allocUnsafe(1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return n < buf.length ? buf.toString('latin1', 0, n) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** What the stamp of a cache file says: the machine, the build, and the file's identity. */
const stampOf = (cache, s) =>
  `xdf code cache 2\n${machine()}${cache.build}` +
  `${s.dev} ${s.ino} ${s.size} ${s.mtimeMs} ${s.ctimeMs}\n`;

// Node's own modules that xdf.cjs requires but few runs use (commander requires child_process
// for subcommands xdf has none of; v8 serves large inputs only): loaded on first use.
const LAZY = new Set(['node:child_process', 'child_process', 'node:v8']);
const lazy = (load) => new Proxy({}, { get: (_, key) => load()[key] });

/**
 * Runs a CommonJS file of dist/ as Node would, compiled from V8's cached code when xdf cached
 * some for these exact bytes. `variant` separates caches of the same file that compile different
 * functions (the code V8 caches is what the run that wrote it had compiled).
 */
function load(file, variant) {
  const fd = fs.openSync(file, 'r');
  const source = fs.readFileSync(fd, 'utf8');
  const stem = `${path.basename(file, '.cjs')}${variant ? `.${variant}` : ''}`;
  const cache = cacheFile(file, fd, stem);
  fs.closeSync(fd);
  const cachedData = cache ? readCache(cache) : undefined;
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  if (cache && (!cachedData || script.cachedDataRejected)) toWrite.push({ script, cache, stem });
  const module = { exports: {}, filename: file, loaded: false };
  const native = createRequire(file);
  const req = (id) => {
    // Libraries' caches are per command too: `render` runs yaml's parser, `check` its writer too.
    if (id.startsWith('./lib/') && id.endsWith('.cjs')) return load(path.join(DIST, id), variant);
    return LAZY.has(id) ? lazy(() => native(id)) : native(id);
  };
  req.resolve = native.resolve;
  script.runInThisContext()(module.exports, req, module, file, path.dirname(file));
  return module.exports;
}

/**
 * V8's data of a cache file, when the folder, the file and its stamp are the user's and the stamp
 * names this machine and boot, this build and this very file. The file holds V8's data twice:
 * V8 checks its bytes only under a flag that costs loading node:v8, and damage (which leaves a
 * file's identity as it was) does not hit two copies alike.
 */
function readCache(cache) {
  if (readable === undefined) {
    try {
      const folder = fs.lstatSync(CACHE);
      readable = !!process.getuid && folder.isDirectory() && ours(folder) && !!machine();
    } catch {
      readable = false;
    }
  }
  const stamp = readable && readSmall(cache.stamp, NOFOLLOW, (s) => s.isFile() && ours(s));
  if (!stamp) return undefined;
  let fd;
  try {
    fd = fs.openSync(cache.file, NOFOLLOW);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !ours(stat) || stat.size > MAX_BYTES) return undefined;
    if (stamp !== stampOf(cache, stat)) return undefined;
    const both = fs.readFileSync(fd);
    const half = both.length / 2;
    if (half && Number.isInteger(half) && both.compare(both, half, both.length, 0, half) === 0)
      return both.subarray(0, half);
  } catch {
    /* not cached, or unreadable */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return undefined;
}

/**
 * Whether the cache may be written: the folder made 0700, or taken back (made 0700 again) when it
 * is the user's real folder; never a folder of someone else's or a symlink.
 */
function writableFolder() {
  if (!machine()) return false;
  fs.mkdirSync(CACHE, { recursive: true, mode: 0o700 });
  const fd = fs.openSync(CACHE, NOFOLLOW | (fs.constants.O_DIRECTORY ?? 0));
  try {
    const folder = fs.fstatSync(fd);
    if (!folder.isDirectory() || folder.uid !== process.getuid()) return false;
    if (folder.mode & 0o077) fs.fchmodSync(fd, 0o700);
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a file of the user's only (0600) through a temp and a rename, so that a reader sees the
 * old file or the new one, never a part; returns the identity of the file written.
 */
function writeFile(file, bytes) {
  const tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes, { flag: 'wx', mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  // Asked once the file is closed and in place: what a later run's fstat sees, on any file system.
  const stat = fs.lstatSync(file);
  if (!stat.isFile()) throw new Error(`${file} is not the file written`);
  return stat;
}

/**
 * Writes the code cache of this run's newly compiled files, each with its stamp, errors ignored.
 * A cache holds what its run compiled and is kept until the build changes, so a run that stopped
 * at bad input (exit 2, having compiled little of the pipeline) leaves none.
 */
function saveCodeCache(code) {
  if (code === 2 || !toWrite.length || !process.getuid) return;
  // A run that changed V8's flags (src/core/memory.ts, for a large input) would write caches that
  // every later run rejects and writes again.
  if (globalThis[Symbol.for('xdf.v8-flags-changed')]) return;
  try {
    if (!writableFolder()) return;
    for (const { script, cache, stem } of toWrite) {
      const data = script.createCachedData();
      writeFile(cache.stamp, stampOf(cache, writeFile(cache.file, Buffer.concat([data, data]))));
      // Caches of older builds or Node versions of the same file are of no further use.
      for (const name of fs.readdirSync(CACHE)) {
        const old = path.join(CACHE, name);
        const current = old === cache.file || old === cache.stamp;
        if (name.startsWith(`${stem}-`) && !current && !name.endsWith('.tmp')) fs.rmSync(old);
      }
    }
  } catch {
    /* a cache is an optimization: never an error */
  }
}

// Each cache is kept per command: `--help` compiles no pipeline code, `check` does.
const COMMANDS = ['generate', 'check', 'render', 'init', 'diff', 'lock', 'doctor', 'arches'];
const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
const variant = !word ? 'help' : COMMANDS.includes(word) ? word : 'other';
let xdf;
try {
  xdf = load(path.join(DIST, 'xdf.cjs'), variant);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
  process.stderr.write(
    `xdf: error XDF099: the build is missing (${err.code})\n` +
      'hint: run npm run build in the xdf package\n',
  );
  process.exitCode = 2;
}
if (xdf) {
  process.on('exit', saveCodeCache);
  xdf.run();
}
