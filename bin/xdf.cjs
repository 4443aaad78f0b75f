#!/usr/bin/env node
// The installed command: runs dist/xdf.cjs (made by `npm run build`; npm pack runs it through
// prepack). Node 20 keeps no compiled code between runs, so this loads dist/ through vm.Script with
// V8's code cache: compiled code only, keyed by each file's content, never a result. Best effort:
// a missing, read-only or corrupt cache folder changes neither output nor exit code.
'use strict';
const fs = require('node:fs');
const { createRequire, wrap } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const DIST = path.join(__dirname, '..', 'dist');
const CACHE = cacheFolder();
const toWrite = []; // scripts compiled without a usable cache: their code is cached at exit
let hashes; // dist/hashes.json: each file's SHA-256, computed by the build

/** $XDG_CACHE_HOME/xdf, else ~/.cache/xdf; none when neither is an absolute path. */
function cacheFolder() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'xdf');
  const home = process.env.HOME;
  return home && path.isAbsolute(home) ? path.join(home, '.cache', 'xdf') : undefined;
}

/**
 * The cache file for these exact bytes: the build's content hash, guarded by size and mtime (a
 * file edited after the build gets a new key). None when the hash is unknown.
 */
function cacheFile(file, fd, stem) {
  try {
    hashes ??= JSON.parse(fs.readFileSync(path.join(DIST, 'hashes.json'), 'utf8'));
    const hash = hashes[path.relative(DIST, file).split(path.sep).join('/')];
    const { size, mtimeMs } = fs.fstatSync(fd);
    const node = `${process.version}-${process.arch}`;
    const key = `${hash.slice(0, 32)}-${size}-${Math.floor(mtimeMs)}-${node}`;
    return CACHE && hash ? path.join(CACHE, `${stem}-${key}.v8`) : undefined;
  } catch {
    return undefined;
  }
}

// Node's own modules that xdf.cjs requires but few runs use (commander requires child_process
// for subcommands xdf has none of; v8 serves large inputs only): loaded on first use.
const LAZY = new Set(['node:child_process', 'child_process', 'node:v8']);
const lazy = (load) => new Proxy({}, { get: (_, key) => load()[key] });

/**
 * Runs a CommonJS file of dist/ as Node would, compiled from V8's cached code when there is some
 * for these exact bytes. `variant` separates caches of the same file that compile different
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
 * A cache file holds V8's data twice. V8 checks the data's version, flags and source length, but
 * its bytes only under a flag that costs loading node:v8 (as much as hashing them would): a damaged
 * file must be rejected, not crash or run wrong code, and damage does not hit two copies alike.
 */
function readCache(file) {
  try {
    const both = fs.readFileSync(file);
    const half = both.length / 2;
    if (half && Number.isInteger(half) && both.compare(both, half, both.length, 0, half) === 0)
      return both.subarray(0, half);
  } catch {
    /* not cached, or unreadable */
  }
  return undefined;
}

/**
 * Writes the code cache of this run's newly compiled files: temp + rename, errors ignored. A cache
 * holds what its run compiled and is kept until the build changes, so a run that stopped at bad
 * input (exit 2, having compiled little of the pipeline) leaves none.
 */
function saveCodeCache(code) {
  if (code === 2) return;
  // A run that changed V8's flags (src/core/memory.ts, for a large input) would write caches that
  // every later run rejects and writes again.
  if (globalThis[Symbol.for('xdf.v8-flags-changed')]) return;
  for (const { script, cache, stem } of toWrite) {
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      const tmp = `${cache}.${process.pid}.tmp`;
      const data = script.createCachedData();
      fs.writeFileSync(tmp, Buffer.concat([data, data])); // see readCache
      fs.renameSync(tmp, cache);
      // Caches of older builds or Node versions of the same file are of no further use.
      for (const name of fs.readdirSync(CACHE)) {
        const old = path.join(CACHE, name);
        if (name.startsWith(`${stem}-`) && old !== cache && !name.endsWith('.tmp')) fs.rmSync(old);
      }
    } catch {
      /* a cache is an optimization: never an error */
    }
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
