import { describe, expect, it } from 'vitest';
import { archByName } from '../src/arches.js';
import { buildMatrix, slug } from '../src/matrix.js';
import type { MatrixConfig } from '../src/types.js';
import { testConfig } from './helpers/config.js';

const matrixConfig = (extra: Partial<MatrixConfig> = {}): MatrixConfig => ({ formats: ['json'], image: 'myorg/app', tag: '{{arch}}', list_tag: 'latest', runner: 'ubuntu-latest', build_args: {}, templates: {}, ...extra });
const outputs = (templates: string[], arches: string[]) => templates.flatMap((t) => arches.map((a) => ({ template: `/p/${t}`, arch: archByName(a), dockerfile: `/p/${t.replace(/[^/]*$/, '')}Dockerfile.${a}`, emulated: a !== 'amd64' })));

describe('buildMatrix', () => {
  it('one entry per template and arch, with the keys of DESIGN.md §7 in order', () => {
    const config = testConfig({ dir: '/p', matrix: matrixConfig({ tag: '{{vars.version}}-{{arch}}', build_args: { DEB: '{{arch.debian}}', GO: '{{pin "go"}}' } }), vars: { version: '2.8' }, pins: { go: { default: '1.22', arm64v8: '1.10' } }, native: { arm64v8: { runner: 'ubuntu-24.04-arm' } } });
    const m = buildMatrix(config, outputs(['Dockerfile.tpl'], ['amd64', 'arm32v7', 'arm64v8']).map((o) => ({ ...o, emulated: o.arch.name === 'arm32v7' })));
    expect(m.targets.map((t) => t.name)).toEqual(['amd64', 'arm32v7', 'arm64v8']);
    expect(Object.keys(m.targets[0].entry)).toEqual(['template', 'arch', 'platform', 'dockerfile', 'context', 'image', 'tag', 'emulated', 'qemu', 'runner', 'build_args']);
    expect(m.targets[1].entry).toEqual({ template: 'Dockerfile.tpl', arch: 'arm32v7', platform: 'linux/arm/v7', dockerfile: 'Dockerfile.arm32v7', context: '.', image: 'myorg/app', tag: '2.8-arm32v7', emulated: true, qemu: 'qemu-arm-static', runner: 'ubuntu-latest', build_args: { DEB: 'armhf', GO: '1.22' } });
    expect(m.targets[2].entry).toMatchObject({ platform: 'linux/arm64', emulated: false, qemu: '', runner: 'ubuntu-24.04-arm', build_args: { DEB: 'arm64', GO: '1.10' } });
  });

  it('names targets <slug>-<arch> when there are several templates', () => {
    const config = testConfig({ dir: '/p', matrix: matrixConfig() });
    const m = buildMatrix(config, outputs(['svc/api/Dockerfile.tpl', 'svc/web@2/Dockerfile.tpl'], ['arm64v8']));
    expect(m.targets.map((t) => [t.name, t.entry.context, t.entry.dockerfile])).toEqual([
      ['svc-api-Dockerfile-arm64v8', 'svc/api', 'svc/api/Dockerfile.arm64v8'],
      ['svc-web-2-Dockerfile-arm64v8', 'svc/web@2', 'svc/web@2/Dockerfile.arm64v8'],
    ]);
    expect(slug('/p', '/p/a b/x.tpl')).toBe('a-b-x');
  });

  it('an unknown variable in matrix.tag is a config error', () => {
    const config = testConfig({ dir: '/p', file: '/p/xdf.yaml', matrix: matrixConfig({ tag: '{{nope}}' }) });
    expect(() => buildMatrix(config, outputs(['Dockerfile.tpl'], ['amd64']))).toThrow(/matrix\.tag/);
  });
});
