import { defineConfig } from 'vitest/config';
import unit from './vitest.config.js';

// The real Docker engine under QEMU: one file at a time, long timeouts.
export default defineConfig({
  resolve: unit.resolve, // the shipped dockerfile-ast, as in the unit tests
  test: {
    globalSetup: ['test/sandbox.ts', 'test/e2e/global-setup.ts'],
    include: ['test/e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
