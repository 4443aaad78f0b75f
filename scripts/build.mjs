// Bundles src/ into dist/: bin.cjs (what bin/xdf.cjs runs first: replay of up-to-date runs) and the
// ES module build xdf.js, whose commands and heavy libraries stay lazily loaded chunks.
import fs from 'node:fs';
import { build } from 'esbuild';

fs.rmSync('dist', { recursive: true, force: true }); // no stale chunks
await import('./gen-validator.mjs');

await build({
  entryPoints: { xdf: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]', // beside xdf.js, so ../templates/ resolves from every chunk
  banner: { js: "import { createRequire as __xdfRequire } from 'node:module'; const require = __xdfRequire(import.meta.url);" },
  logLevel: 'warning',
});

await build({
  entryPoints: { bin: 'src/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' }, // replay.ts reads __dirname there
});
