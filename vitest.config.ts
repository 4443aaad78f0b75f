import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The tests run the dockerfile-ast that ships: the build's bundle, with patches/ applied.
  resolve: {
    alias: [
      {
        find: /^dockerfile-ast$/,
        replacement: fileURLToPath(new URL('dist/lib/dockerfile-ast.cjs', import.meta.url)),
      },
    ],
  },
  test: {
    globalSetup: ['test/sandbox.ts'],
    include: ['test/**/*.test.ts'],
    // the last line says what was skipped for want of a tool, and how to get it
    reporters: ['default', './test/reporters/skipped.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
  },
});
