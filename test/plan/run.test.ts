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
});
