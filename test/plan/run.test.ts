import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planRun } from '../../src/plan/run.js';
import { makeProject, relativeNames } from '../helpers/project.js';

describe('planRun', () => {
  it('computes every output in memory and reads no output folder', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM python:3.6\n',
      'xdf.yaml': 'arches: [amd64, arm64v8]\nmatrix: { formats: [json], image: myorg/app }\n',
    });
    const plan = await planRun({ cwd: dir, templates: [] });
    expect(relativeNames(dir, plan.files)).toEqual([
      'Dockerfile.amd64',
      'Dockerfile.arm64v8',
      'xdf-matrix.json',
    ]);
    expect(fs.readdirSync(dir).sort()).toEqual(['.git', 'Dockerfile.tpl', 'xdf.yaml']);
  });

  it('a run of a template the config does not govern is partial: no matrix files', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM python:3.6\n',
      'other.tpl': 'FROM alpine:3.19\n',
      'xdf.yaml':
        'arches: [amd64]\noutput: { name: "{{template}}.{{arch}}" }\n' +
        'matrix: { formats: [json], image: "myorg/{{template}}" }\n',
    });
    const other = await planRun({ cwd: dir, templates: ['other.tpl'] });
    expect(relativeNames(dir, other.files)).toEqual(['other.amd64']);
    expect(other.groups.map((g) => g.complete)).toEqual([false]);
    // said, with the fix: a config that lists no templates governs only Dockerfile.tpl
    expect(other.warnings.map((w) => [w.code, w.hint])).toEqual([
      ['XDFW011', 'list the templates under templates: in xdf.yaml (other.tpl)'],
    ]);
    const governed = await planRun({ cwd: dir, templates: ['Dockerfile.tpl'] });
    expect(relativeNames(dir, governed.files)).toEqual(['Dockerfile.amd64', 'xdf-matrix.json']);
    expect(governed.warnings).toEqual([]);
  });
});
