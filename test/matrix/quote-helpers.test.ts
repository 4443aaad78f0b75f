// The YAML quoting helpers: whatever a value holds, YAML 1.1 readers (GitLab's Psych, PyYAML) and
// YAML 1.2 readers read back the exact string.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { outputHelpers } from '../../src/matrix/quote-helpers.js';
import { testConfig } from '../helpers/config.js';
import { makeProject, read, xdf } from '../helpers/project.js';

const helpers = outputHelpers(testConfig());
const hasPyYaml = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

// Every C0 control, DEL, every C1 control, the separators, the BOM, the non-characters; strings
// that one reader or another takes for something else than a string.
const HOSTILE = [
  ...Array.from({ length: 0x20 }, (_, i) => `a${String.fromCharCode(i)}b`),
  ...Array.from({ length: 0x21 }, (_, i) => `a${String.fromCharCode(0x7f + i)}b`),
  'a\u2028b',
  'a\u2029b',
  '\ufeffa',
  'a\ufeff',
  'a\ufffeb\uffff',
  '\u0085',
  'line one\nline two with a long enough text to be folded by a writer that folds',
  ' leading and trailing ',
  'a \nb',
  '0o17',
  '1e3',
  '0x1F',
  '.inf',
  ':sym',
  '=',
  '<<',
  'yes',
  'on',
  '~',
  'null',
  '',
  '12:30',
  '2001-12-14',
  '"quoted"',
  'back\\slash',
  '# not a comment',
  '- not a list',
  'key: value',
  '$VAR and $$',
  'ü 日本 😀',
];

/** What PyYAML reads from each document (pure Python and libyaml loaders), as JSON. */
function pyYaml(docs: string[]): unknown[][] {
  const script = [
    'import json, sys, yaml',
    'docs = json.load(sys.stdin)',
    'loaders = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])',
    'out = [[yaml.load(d, Loader=l) for l in loaders] for d in docs]',
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], {
    input: JSON.stringify(docs),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe('YAML helpers read back exactly, in YAML 1.1 and 1.2', () => {
  // Documents as output templates write them: a value after a key, a key of its own, a list.
  const docs = HOSTILE.flatMap((s) => [
    { want: { v: s }, text: `v: ${helpers.str(s)}\n` },
    { want: { v: s.replace(/\$/g, '$$$$') }, text: `v: ${helpers.gl(s)}\n` }, // GitLab's $$
    { want: { v: s }, text: `v: ${helpers.scalar(s)}\n` },
    { want: { [s]: [s, { k: s }] }, text: `${helpers.yaml({ [s]: [s, { k: s }] })}\n` },
  ]);

  it('with the yaml package, in 1.1 and in 1.2 mode', () => {
    for (const { want, text } of docs) {
      expect(parseYaml(text, { version: '1.1' }), text).toEqual(want);
      expect(parseYaml(text, { version: '1.2' }), text).toEqual(want);
    }
  });

  it.skipIf(!hasPyYaml)('with PyYAML (YAML 1.1), its Python and its libyaml loader', () => {
    const read = pyYaml(docs.map((d) => d.text));
    docs.forEach(({ want, text }, i) => {
      for (const got of read[i]) expect(got, text).toEqual(want);
    });
  });

  it('str and gl are one double-quoted line; plain strings stay as they were', () => {
    for (const s of HOSTILE) {
      expect(helpers.str(s)).toMatch(/^"[^\n]*"$/);
      expect(helpers.gl(s)).toMatch(/^"[^\n]*"$/);
      expect(helpers.str(s)).not.toMatch(/[\x7f-\x9f\u2028\u2029\ufeff]/);
    }
    expect(helpers.str('Dockerfile.arm64v8')).toBe('"Dockerfile.arm64v8"');
    expect(helpers.yaml({ include: [{ arch: 'arm64v8', tag: 'on' }] })).toBe(
      'include:\n  - arch: arm64v8\n    tag: "on"',
    );
  });
});

describe('matrix files with hostile build_args and paths', () => {
  it('xdf-matrix.yaml and xdf-gitlab.yml read back what xdf-matrix.json holds', async () => {
    const args = Object.fromEntries(
      ['a\u2028b', 'a\u0085b', 'a\x7fb', 'a\u2029b\ufeff', '0o17', ':x', 'a\x9b31m'].map((v, i) => [
        `A${i}`,
        v,
      ]),
    );
    const dir = makeProject({
      'we\u2028ird\x7f/Dockerfile.tpl': 'FROM alpine:3.19\n',
      'xdf.yaml': JSON.stringify({
        templates: ['we\u2028ird\x7f/Dockerfile.tpl'],
        arches: ['arm64v8'],
        matrix: { image: 'example/app', formats: ['json', 'yaml', 'gitlab'], build_args: args },
      }),
    });
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [entry] = JSON.parse(read(dir, 'xdf-matrix.json')).include;
    expect(entry.build_args).toEqual(args);
    expect(entry.dockerfile).toBe('we\u2028ird\x7f/Dockerfile.arm64v8');
    const matrix = read(dir, 'xdf-matrix.yaml');
    const gitlab = read(dir, 'xdf-gitlab.yml');
    const job = (doc: { 'xdf-build': { parallel: { matrix: Record<string, string>[] } } }) =>
      doc['xdf-build'].parallel.matrix[0];
    for (const version of ['1.1', '1.2'] as const) {
      expect(parseYaml(matrix, { version }).include[0]).toEqual(entry);
      const vars = job(parseYaml(gitlab, { version }));
      expect(vars.XDF_DOCKERFILE).toBe(entry.dockerfile);
      expect(Object.keys(args).map((k) => vars[`XDF_ARG_${k}`])).toEqual(Object.values(args));
    }
    if (hasPyYaml) {
      const [fromMatrix, fromGitlab] = pyYaml([matrix, gitlab]);
      for (const doc of fromMatrix)
        expect((doc as { include: unknown[] }).include[0]).toEqual(entry);
      for (const doc of fromGitlab) expect(job(doc as never).XDF_DOCKERFILE).toBe(entry.dockerfile);
    }
  });
});
