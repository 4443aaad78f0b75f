// Bundles src/ into one ES module, dist/xdf.js, that bin/xdf.js runs; commands stay lazily loaded chunks.
import { build } from 'esbuild';

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
