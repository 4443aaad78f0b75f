// Property-based: random Dockerfile-like text and templates never crash xdf, and output is deterministic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARCH_NAMES } from '../src/arches/table.js';
import { emitDockerfiles } from '../src/emit/dockerfiles.js';
import { XdfError } from '../src/core/errors.js';
import type { Strategy } from '../src/config/types.js';
import { testConfig } from './helpers/config.js';

const RUNS = Number(process.env.XDF_PROPERTY_RUNS ?? (process.env.CI ? 10_000 : 1_000));
const SEED = Number(process.env.XDF_PROPERTY_SEED ?? Date.now() % 2 ** 31);

const word = fc.constantFrom(
  'alpine',
  'alpine:3.19',
  'python:3.6',
  'debian',
  'debian:buster',
  'ubuntu:bionic',
  'myorg/app:1',
  'scratch',
  'golang:${GO}-alpine',
  '$BASE',
  '${BASE}',
  'localhost:5000/img:tag',
  'docker.io/library/python:3',
  'python@sha256:abc',
  'build',
  '0',
  'a b',
  '"x"',
  '',
  '\\',
  '`',
  '{{',
  '}}',
  '$',
  '${',
  '--platform=$BUILDPLATFORM',
  '--platform=$TARGETPLATFORM',
  '--platform=linux/arm64',
  'AS',
  'build',
  'from=alpine',
  '--from=nginx',
  '--mount=type=bind,from=busybox,target=/x',
  '<<EOF',
  'EOF',
  'qemu-aarch64-static',
  '/usr/bin/',
);
const keyword = fc.constantFrom(
  'FROM',
  'from',
  'RUN',
  'COPY',
  'ADD',
  'ARG',
  'ENV',
  'ONBUILD RUN',
  'CMD',
  '# syntax=docker/dockerfile:1',
  '# escape=`',
  '#',
  '',
  'ARG BASE=',
  'ARG GO=',
);
const line = fc
  .tuple(keyword, fc.array(word, { maxLength: 5 }))
  .map(([k, ws]) => [k, ...ws].join(' '));
const eol = fc.constantFrom('\n', '\r\n', ' \\\n', '`\n', '\r');
const dockerfile = fc
  .array(fc.tuple(line, eol), { maxLength: 25 })
  .map((ls) => ls.map(([l, e]) => l + e).join(''));
const strategy = fc.constantFrom<Strategy>('namespace', 'multiarch', 'platform', 'pattern', 'none');
const host = fc.constantFrom(...ARCH_NAMES);

function run(text: string, s: Strategy, h: string, noTemplate: boolean) {
  const config = testConfig({
    arches: [...ARCH_NAMES],
    host: h,
    strategy: s,
    images:
      s === 'pattern'
        ? [
            {
              key: '*',
              strategy: 'pattern',
              rewrite: '{{name}}:{{tag}}-{{arch}}',
              exclude: [],
              pins: {},
            },
          ]
        : [],
  });
  try {
    return emitDockerfiles({ file: '/p/Dockerfile.tpl', text }, config, { noTemplate }).outputs.map(
      (o) => o.content,
    );
  } catch (e) {
    if (e instanceof XdfError) return e.problems.map((p) => `${p.code}@${p.line}:${p.column}`);
    throw e;
  }
}

describe(`properties (seed ${SEED}, ${RUNS} runs)`, () => {
  it('random Dockerfile text: an output or a typed error, never a crash; the same input gives the same bytes', () => {
    console.log(`fast-check seed: ${SEED} (set XDF_PROPERTY_SEED to replay)`);
    fc.assert(
      fc.property(dockerfile, strategy, host, fc.boolean(), (text, s, h, noTemplate) => {
        expect(run(text, s, h, noTemplate)).toEqual(run(text, s, h, noTemplate));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);

  it('random templates with Handlebars expressions never crash', () => {
    const expr = fc.constantFrom(
      '{{arch}}',
      '{{arch.debian}}',
      '.git/hooks/{{arch}}',
      '{{#if emulated}}',
      '{{/if}}',
      '{{else}}',
      '{{#arch "arm64v8"}}',
      '{{/arch}}',
      '{{pin "go"}}',
      '{{vars.x}}',
      '{{nope}}',
      '{{constructor}}',
      '{{> part}}',
      '\\{{.State}}',
      '{{.State}}',
      '{{',
      '}}',
      '{{!c}}',
      '{{#each vars}}',
      '{{/each}}',
      '{{eq arch "amd64"}}',
      '{{lookup . "constructor"}}',
    );
    const template = fc
      .array(fc.oneof(expr, line, eol), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(template, strategy, (text, s) => {
        run(text, s, 'amd64', false);
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: SEED },
    );
  }, 120_000);
});

describe(`random configs and command lines (seed ${SEED})`, () => {
  it('every run ends with exit 0, 1 or 2 and never an internal error', async () => {
    const { makeProject, xdf } = await import('./helpers/project.js');
    const configLine = fc.constantFrom(
      'arches: [amd64, arm64v8]',
      'arches: [aarch64, armhf]',
      'arches: []',
      'arches: [nope]',
      'host: arm64v8',
      'host: 7',
      'strategy: multiarch',
      'strategy: platform',
      'strategy: nope',
      'qemu: { mode: copy-from }',
      'qemu: { dest: relative }',
      'qemu: { mode: none }',
      'images: { python: { exclude: [s390x] } }',
      'images: { "*": { strategy: pattern } }',
      'images: { python: { arm64v8: { tag: 1.10 } } }',
      'output: { name: "../x" }',
      'output: { name: "{{arch.debian}}/D" }',
      'output: { header: false }',
      'matrix: { formats: [json, make] }',
      'matrix: { formats: [bake], image: a/b, tag: "{{nope}}" }',
      'pins: { go: { default: "1" } }',
      'vars: [1]',
      '[',
      'x: y',
      '',
    );
    const argument = fc.constantFrom(
      '--arch',
      'amd64',
      'arm64v8,s390x',
      'linux/arm/v7',
      'bogus',
      '--host',
      'i386',
      '--out',
      'out',
      '--no-template',
      '--no-header',
      '--json',
      '--quiet',
      '--strict',
      '--config',
      'xdf.yaml',
      'missing.yaml',
      'Dockerfile.tpl',
      'nope.tpl',
      '--stage-qemu',
    );
    const command = fc.constantFrom('generate', 'check', 'render', 'diff', 'arches', 'bogus');
    await fc.assert(
      fc.asyncProperty(
        fc.array(configLine, { maxLength: 5 }),
        command,
        fc.array(argument, { maxLength: 6 }),
        async (lines, cmd, args) => {
          const dir = makeProject({
            'Dockerfile.tpl': 'FROM python:3.12\nRUN true\n',
            'xdf.yaml': `${lines.join('\n')}\n`,
          });
          const r = await xdf(dir, cmd, ...args.filter((a) => a !== '--stage-qemu'));
          expect([0, 1, 2]).toContain(r.code);
          expect(r.stderr + r.stdout).not.toContain('XDF099');
        },
      ),
      { numRuns: Math.ceil(RUNS / 20), seed: SEED },
    );
  }, 300_000);
});

describe(`random output names over a hostile tree (seed ${SEED})`, () => {
  it('generate writes only inside the project, never changes an input, and a failure changes nothing', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { makeProject, xdf, listFiles } = await import('./helpers/project.js');
    const name = fc.constantFrom(
      'Dockerfile.{{arch}}',
      'Dockerfile.{{arch.arch}}',
      '{{template}}.tpl',
      'xdf.yaml',
      'xdf.mk',
      '.',
      '..',
      '../x/{{arch}}',
      'link/{{arch}}',
      'link/../{{arch}}',
      'sub/{{arch}}/Dockerfile',
      'blocker/{{arch}}',
      'folder',
      'notes.md',
      'Dockerfile.tpl',
      'parts/p.hbs',
      '{{arch.debian}}',
    );
    const extra = fc.subarray([
      'link',
      'blocker',
      'folder',
      'hand',
      'notes',
      'matrix',
      'partial',
    ] as const);
    const snap = (dir: string) =>
      new Map(
        listFiles(dir).map((f) => {
          const p = path.join(dir, f);
          return [
            f,
            fs.lstatSync(p).isSymbolicLink()
              ? `-> ${fs.readlinkSync(p)}`
              : fs.readFileSync(p, 'utf8'),
          ];
        }),
      );
    await fc.assert(
      fc.asyncProperty(name, extra, fc.boolean(), async (outputName, extras, force) => {
        const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-outside-'));
        fs.writeFileSync(path.join(outside, 'keep'), 'outside\n');
        const usesPartial = extras.includes('partial');
        const files: Record<string, string> = {
          'Dockerfile.tpl': `FROM python:3.6\n${usesPartial ? '{{> parts/p}}\n' : 'RUN true\n'}`,
          'xdf.yaml': `arches: [amd64, arm32v6, arm32v7]\noutput: { name: ${JSON.stringify(outputName)} }\n${extras.includes('matrix') ? 'matrix: { formats: [make, json], image: myorg/app, tag: "{{target}}" }\n' : ''}`,
        };
        if (usesPartial) files['parts/p.hbs'] = 'RUN echo partial\n';
        if (extras.includes('blocker')) files.blocker = 'a file\n';
        if (extras.includes('folder')) files['folder/README'] = 'a folder\n';
        if (extras.includes('hand')) files['Dockerfile.arm32v7'] = 'FROM arm32v7/python:3.6\n';
        if (extras.includes('notes'))
          files['notes.md'] =
            '# Generated by xdf from Dockerfile.tpl for amd64 (linux/amd64). DO NOT EDIT.\n';
        const dir = makeProject(files);
        if (extras.includes('link')) fs.symlinkSync(outside, path.join(dir, 'link'));
        const before = snap(dir);
        const run = await xdf(dir, 'generate', ...(force ? ['--force'] : []));
        expect(run.stderr + run.stdout).not.toContain('XDF099');
        expect([0, 2]).toContain(run.code);
        expect(fs.readdirSync(outside)).toEqual(['keep']);
        expect(fs.readFileSync(path.join(outside, 'keep'), 'utf8')).toBe('outside\n');
        const after = snap(dir);
        if (run.code === 2) expect(after).toEqual(before);
        for (const input of [
          'Dockerfile.tpl',
          'xdf.yaml',
          'parts/p.hbs',
          'notes.md',
          'blocker',
          'folder/README',
        ]) {
          if (before.has(input)) expect(after.get(input), input).toBe(before.get(input));
        }
        if (!force && before.has('Dockerfile.arm32v7'))
          expect(after.get('Dockerfile.arm32v7')).toBe(before.get('Dockerfile.arm32v7'));
        expect([...after.keys()].filter((f) => f.includes('.xdf-tmp-'))).toEqual([]);
      }),
      { numRuns: Math.ceil(RUNS / 10), seed: SEED },
    );
  }, 300_000);
});
