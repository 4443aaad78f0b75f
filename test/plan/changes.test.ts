import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/plan/changes.js';
import { makeProject, relativeNames, xdf } from '../helpers/project.js';

describe('planChanges', () => {
  it('sorts every output into write or unchanged, and finds what to delete, without writing', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM python:3.6\n',
      'xdf.yaml':
        'arches: [amd64, arm64v8, s390x]\nmatrix: { formats: [json, make], image: myorg/app }\n',
    });
    expect((await xdf(dir, 'generate')).code).toBe(0);
    fs.writeFileSync(
      path.join(dir, 'xdf.yaml'),
      'arches: [amd64, arm64v8]\nmatrix: { formats: [json], image: myorg/app }\n',
    );
    fs.appendFileSync(path.join(dir, 'Dockerfile.tpl'), 'RUN true\n');
    const before = fs.readdirSync(dir).sort();
    const { changes } = await planChanges({ cwd: dir, templates: [] });
    expect(relativeNames(dir, changes.write)).toEqual([
      'Dockerfile.amd64',
      'Dockerfile.arm64v8',
      'xdf-matrix.json',
    ]);
    expect(relativeNames(dir, changes.unchanged)).toEqual([]);
    expect(relativeNames(dir, changes.remove)).toEqual(['Dockerfile.s390x', 'xdf.mk']);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });
  it('with --arch: only those arches, no matrix files, nothing to delete', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM python:3.6\n',
      'xdf.yaml':
        'arches: [amd64, arm64v8, s390x]\nmatrix: { formats: [json], image: myorg/app }\n',
    });
    await xdf(dir, 'generate');
    fs.writeFileSync(path.join(dir, 'xdf.yaml'), 'arches: [amd64]\n');
    const { files, changes } = await planChanges({ cwd: dir, templates: [], arches: ['arm64v8'] });
    expect(relativeNames(dir, files)).toEqual(['Dockerfile.arm64v8']);
    expect(changes.remove).toEqual([]);
  });
});
