// A complete default Config for unit tests, with overrides.
import type { Config } from '../../src/types.js';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    file: undefined,
    dir: '/project',
    templates: [],
    arches: ['amd64', 'arm32v7', 'arm64v8'],
    host: 'amd64',
    strategy: 'namespace',
    images: [],
    qemu: { mode: 'copy', dest: '/usr/bin/' },
    pins: {},
    vars: {},
    output: { name: 'Dockerfile.{{arch}}', header: true },
    limits: { input_bytes: 5 * 1024 * 1024 },
    matrix: undefined,
    native: {},
    warnings: { ignore: [] },
    locate: () => undefined,
    ...overrides,
  };
}
