// The one YAML reader: bounded nesting (flow, indentation and compact collections), plain keys
// only, each problem a typed error of the text's own code; used for xdf.yaml, xdf.lock and the
// read-back of a user's GitLab template.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/core/yaml.js';
import { problemOf } from '../helpers/problems.js';
import { makeProject, xdf } from '../helpers/project.js';

const source = { file: '/p/x.yaml', code: 'XDF010', name: 'x.yaml' } as const;

describe('parseYaml bounds the nesting before the parser recurses', () => {
  it.each([
    ['compact sequences', '- '.repeat(1000) + 'x'],
    ['compact complex keys', '? '.repeat(1000) + 'x'],
    ['compact mixed', '- ? : '.repeat(400) + 'x'],
    ['a compact chain under a key', 'key:\n' + '  - '.repeat(1) + '- '.repeat(1000) + 'x'],
    ['complex keys of maps', '? a: '.repeat(1000) + 'x'],
    ['complex keys after a key', 'a: ' + '? '.repeat(1000) + 'x'],
    ['indentation', Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}-`).join('\n')],
    ['flow collections', '['.repeat(1000) + ']'.repeat(1000)],
    ['indentation, then compact', `${' '.repeat(200)}${'- '.repeat(60)}x`],
  ])('%s: a typed error at the line, not a stack overflow', (_, text) => {
    const p = problemOf(() => parseYaml(text, source));
    expect(p.code).toBe('XDF010');
    expect(p.message).toBe('x.yaml nests more than 64 levels deep');
    expect(p.file).toBe('/p/x.yaml');
    expect(p.line).toBeGreaterThan(0);
  });

  it('reads what stays within the bounds, and text that only looks deep', () => {
    expect(parseYaml('- '.repeat(200) + 'x', source).data).toBeDefined();
    expect(
      parseYaml(`a: "${'- '.repeat(1000)}"\nb: |\n  ${'- '.repeat(10)}\n`, source).data,
    ).toEqual({
      a: '- '.repeat(1000),
      b: `${'- '.repeat(10)}\n`,
    });
  });

  it('refuses a key twice, a key that is a collection, and bad YAML, each at its place', () => {
    expect(problemOf(() => parseYaml('a: 1\nb: 2\na: 3\n', source))).toMatchObject({
      code: 'XDF010',
      line: 3,
      message: 'not valid YAML: the key "a" appears twice in one map',
    });
    expect(problemOf(() => parseYaml('x: 1\n? [a, b]\n: c\n', source))).toMatchObject({
      line: 2,
      message: 'a map key that is a list or a map: x.yaml has only plain keys',
    });
    expect(problemOf(() => parseYaml('a: [\n', { ...source, code: 'XDF075' })).code).toBe('XDF075');
  });

  it('reports where the caller says: a rendered text has no line in a file', () => {
    const p = problemOf(() =>
      parseYaml('a: 1\na: 2\n', {
        ...source,
        code: 'XDF027',
        at: (line) => ({ file: '/p/t.hbs', rendered: `line ${line} of the rendered text` }),
      }),
    );
    expect(p).toMatchObject({ file: '/p/t.hbs', rendered: 'line 2 of the rendered text' });
    expect(p.line).toBeUndefined();
  });
});

describe('every YAML xdf reads goes through it', () => {
  const deep = `${'- '.repeat(1000)}x\n`;
  it('xdf.yaml with 1,000 compact nested sequences is XDF010', async () => {
    const dir = makeProject({ 'Dockerfile.tpl': 'FROM alpine:3.19\n', 'xdf.yaml': deep });
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toMatch(/^xdf\.yaml:1:\d+: error XDF010: xdf\.yaml nests more than 64/);
    expect(run.code).toBe(2);
  });

  it('xdf.lock with 1,000 compact nested sequences, or a key twice, is XDF075', async () => {
    for (const lock of [deep, 'version: 1\nimages: []\nversion: 1\n']) {
      const dir = makeProject({ 'Dockerfile.tpl': 'FROM alpine:3.19\n', 'xdf.lock': lock });
      const run = await xdf(dir, 'generate');
      expect(run.stderr).toMatch(/^xdf\.lock:\d+:\d+: error XDF075: /);
      expect(run.code).toBe(2);
    }
  });
});
