// Bundles src/ into dist/xdf.js (what bin/xdf.cjs runs), whose commands and heavy libraries stay
// lazily loaded chunks.
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

