// A user's GitLab output template: its job names are read back from what it rendered, and anything
// that cannot be read is a typed error at the template (XDF027), never XDF099.
import { describe, expect, it } from 'vitest';
import { gitlabJobNamesIn } from '../../src/matrix/gitlab-jobs.js';
import { problemOf } from '../helpers/problems.js';
import { makeProject, xdf } from '../helpers/project.js';

function project(template: string): string {
  return makeProject({
    'Dockerfile.tpl': 'FROM alpine:3.19\n',
    'gl.hbs': template,
    'xdf.yaml':
      'arches: [arm64v8]\nmatrix:\n  image: example/app\n  formats: [gitlab]\n' +
      '  templates: { gitlab: gl.hbs }\n',
  });
}

describe('reading back the jobs of a GitLab output template', () => {
  it.each([
    ['job: [\n', 'not valid YAML: '],
    ['job:\n  parallel:\n    matrix: 5\n', 'job job: parallel.matrix is not a list'],
    ['job:\n  parallel:\n    matrix: [null]\n', 'an entry of parallel.matrix is not a map'],
    ['job:\n  parallel:\n    matrix: [{}]\n', 'an entry of parallel.matrix is not a map'],
    ['job: 1\njob: 2\n', 'the key "job" appears twice'],
    ['job:\n  parallel:\n    matrix:\n      - A: { b: 1 }\n', 'matrix variable A is not'],
    ['job:\n  parallel:\n    matrix:\n      - A: [[1]]\n', 'matrix variable A is not'],
    ['job:\n  parallel:\n    matrix:\n      - A: []\n', 'matrix variable A is not'],
    ['- a\n- b\n', 'is not a map of jobs'],
    ['"\\x"\n', 'not valid YAML: '],
    [`${'- '.repeat(1000)}x\n`, 'the rendered xdf-gitlab.yml nests more than 64 levels deep'],
  ])('%j is XDF027 at the output template', async (template, message) => {
    const dir = project(template);
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toMatch(
      /^gl\.hbs: error XDF027: .*\(at line \d+ of the rendered xdf-gitlab/,
    );
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
  });

  it('names a job per matrix entry, the longest value of a list, merge keys and aliases read', () => {
    const text = [
      '.m: &m',
      '  parallel:',
      '    matrix:',
      '      - A: [x, longest]',
      '        B: 1',
      'job:',
      '  <<: *m',
      'other: { parallel: 3 }',
      'stages: [build]',
      '',
    ].join('\n');
    expect(gitlabJobNamesIn(text, '/p/gl.hbs')).toEqual(['.m: [longest, 1]', 'job: [longest, 1]']);
    expect(gitlabJobNamesIn('', '/p/gl.hbs')).toEqual([]);
  });

  it('a job name over 255 characters from a list value is still XDF013', async () => {
    const long = 'v'.repeat(300);
    const dir = project(`job:\n  parallel:\n    matrix:\n      - A: [a, ${long}]\n`);
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toMatch(/error XDF013: the GitLab job job: \[v+… would be named with 307/);
    expect(problemOf(() => gitlabJobNamesIn('a: [', '/p/gl.hbs')).file).toBe('/p/gl.hbs');
  });
});
