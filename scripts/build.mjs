// Bundles src/ into dist/xdf.cjs (what bin/xdf.cjs runs) and each heavy library into its own
// dist/lib/<name>.cjs: CommonJS, so that bin/xdf.cjs can compile them through vm.Script with V8's
// code cache, and separate, so that a run loads only the libraries it uses.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { patchPackages } from './patch-packages.mjs';

// Loaded on first use (src/core/libs.ts; dockerfile-ast by the parser, whose module is loaded only
// by the commands that parse); commander and ajv's runtime stay in xdf.cjs.
const LIBS = ['handlebars', 'yaml', 'dockerfile-ast', 'diff', 'undici'];
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // Start-up reads and decodes every byte of a bundle before V8 takes its cached code: no
  // comments or indentation (names stay, for readable stack traces).
  minifyWhitespace: true,
};

// Each library import becomes require('./lib/<name>.cjs') in a lazily run shim: a dynamic
// import() would stay import(), which vm.Script cannot run without a module loader.
const libsAsFiles = {
  name: 'libs-as-files',
  setup(b) {
    const filter = new RegExp(`^(${LIBS.join('|')})$`);
    b.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'xdf-lib' }));
    const external = (a) => ({ path: a.path, external: true });
    b.onResolve({ filter: /^\.\/lib\//, namespace: 'xdf-lib' }, external);
    b.onLoad({ filter: /.*/, namespace: 'xdf-lib' }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(`./lib/${a.path}.cjs`)});`,
      loader: 'js',
    }));
    // src/core/libs.ts requires each library by name through node_modules under test; in the
    // bundle, a literal require per library, which the rule above turns into its own lib file.
    b.onLoad({ filter: /[\\/]src[\\/]core[\\/]libs\.ts$/ }, (a) => {
      const source = fs.readFileSync(a.path, 'utf8');
      const line = /^const requireLib[^\n]*createRequire\(import\.meta\.url\);$/m;
      if (!line.test(source)) throw new Error(`${a.path}: the requireLib line to replace is gone`);
      const cases = LIBS.map(
        (n) => `case ${JSON.stringify(n)}: return require(${JSON.stringify(n)});`,
      );
      const replacement =
        `const requireLib = (name: string): unknown => { switch (name) { ${cases.join(' ')} ` +
        'default: throw new Error(`not a bundled library: ${name}`); } };';
      return {
        contents: source.replace(line, replacement).replace(/^import \{ createRequire \}.*$/m, ''),
        loader: 'ts',
      };
    });
  },
};

fs.rmSync('dist', { recursive: true, force: true }); // no stale files
await import('./gen-validator.mjs');
await import('./gen-output-templates.mjs');

await build({
  ...common,
  entryPoints: ['src/cli/index.ts'],
  outfile: 'dist/xdf.cjs',
  plugins: [libsAsFiles],
});

const require = createRequire(import.meta.url);
// Fixes to a library's hot paths, each written to be sent upstream (see the note in each patch).
const patches = patchPackages('patches');
// A dependency replaced inside one library's bundle by the little of it that library calls.
const STAND_INS = {
  'dockerfile-ast': {
    module: 'vscode-languageserver-types',
    file: 'patches/dockerfile-ast/vscode-languageserver-types.cjs',
    uses: ['Position.create', 'Range.create'],
  },
};
for (const name of LIBS) {
  const standIn = STAND_INS[name];
  if (standIn) assertOnlyUses(name, standIn);
  await build({
    ...common,
    entryPoints: [require.resolve(name)],
    outfile: `dist/lib/${name}.cjs`,
    plugins: [patches.plugin],
    ...(standIn ? { alias: { [standIn.module]: `./${standIn.file}` } } : {}),
  });
}
patches.assertAllApplied();

// Each file's content hash, which bin/xdf.cjs keys its code cache by (hashing at every run would
// cost more than the cache saves).
const hashes = {};
for (const file of ['xdf.cjs', ...LIBS.map((name) => `lib/${name}.cjs`)]) {
  hashes[file] = crypto
    .createHash('sha256')
    .update(fs.readFileSync(`dist/${file}`))
    .digest('hex');
}
fs.writeFileSync('dist/hashes.json', `${JSON.stringify(hashes, null, 2)}\n`);

/** The build fails when a library calls more of a replaced dependency than its stand-in has. */
function assertOnlyUses(name, { module, uses }) {
  const lib = path.dirname(require.resolve(`${name}/package.json`));
  const variable = `${module.replace(/[^A-Za-z0-9]/g, '_')}_1`; // how tsc names a require()
  const declaration = `const ${variable} = require("${module}");`;
  for (const file of fs.readdirSync(lib, { recursive: true })) {
    if (!file.endsWith('.js')) continue;
    const text = fs.readFileSync(path.join(lib, file), 'utf8').replaceAll(declaration, '');
    // Every other mention of the module or its variable must be a call the stand-in has.
    const mentions = [...text.matchAll(new RegExp(`${variable}(\\.\\w+\\.\\w+)?`, 'g'))];
    const beyond = mentions.map((m) => m[1]?.slice(1) ?? m[0]).filter((u) => !uses.includes(u));
    if (text.includes(module)) beyond.push(`another require("${module}")`);
    if (beyond.length) {
      throw new Error(
        `${name}/${file} uses ${module} beyond its stand-in (${[...new Set(beyond)]}): ` +
          'extend the stand-in, or drop it',
      );
    }
  }
}
