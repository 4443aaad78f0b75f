// A complete default Config for unit tests, with overrides.
import fs from 'node:fs';
import type { Config, MatrixConfig } from '../../src/config/types.js';

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
    registries: {},
    lock: { host: false },
    warnings: { ignore: [] },
    locate: () => undefined,
    ...overrides,
  };
}

/** The `matrix:` section with every default applied (DESIGN.md §7), with overrides. */
export function testMatrixConfig(overrides: Partial<MatrixConfig> = {}): MatrixConfig {
  return {
    formats: ['json'],
    image: 'myorg/app',
    tag: '{{arch}}',
    list_tag: 'latest',
    runner: 'ubuntu-latest',
    engine: 'docker',
    build_args: {},
    templates: {},
    ...overrides,
  };
}

/** xdf.yaml as load.ts hands it to loadConfig: its path and its text. */
export function configSource(file: string): { source: { file: string; text: string } } {
  return { source: { file, text: fs.readFileSync(file, 'utf8') } };
}
