import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { makeProject, xdf } from '../helpers/project.js';

describe('parseDockerfile', () => {
  it('finds stages, images, platforms, names, RUNs and hand-written emulators', () => {
    const p = parseDockerfile(
      [
        'ARG BASE="debian:stretch"',
        'from --platform=$BUILDPLATFORM golang:1.22 AS Build',
        'RUN go build',
        'FROM $BASE',
        'COPY qemu-aarch64-static /usr/bin/',
        'COPY --from=build /x /x',
        'RUN --mount=type=bind,from=alpine:3.19,target=/a true',
        'ONBUILD RUN echo',
        'FROM scratch',
        'ONBUILD RUN echo',
        '',
      ].join('\n'),
    );
    expect(
      p.stages.map((s) => [
        s.image?.text,
        s.platform?.text ?? null,
        s.name,
        s.hasRun,
        s.qemuCopies,
      ]),
    ).toEqual([
      ['golang:1.22', '$BUILDPLATFORM', 'build', true, []],
      ['$BASE', null, null, true, ['aarch64']],
      ['scratch', null, null, false, []],
    ]);
    expect(p.args.get('BASE')?.value?.text).toBe('debian:stretch');
    expect(p.imageUses.map((u) => [u.kind, u.span.text, u.stage])).toEqual([
      ['copy', 'build', 1],
      ['mount', 'alpine:3.19', 1],
    ]);
    const text = p.text;
    expect(text.slice(p.args.get('BASE')!.value!.start, p.args.get('BASE')!.value!.end)).toBe(
      'debian:stretch',
    );
  });

  it("puts the insertion point after a FROM's continuation lines", () => {
    const text = 'FROM \\\n  --platform=$TARGETPLATFORM \\\n  alpine:3.19\nRUN true\n';
    const [stage] = parseDockerfile(text).stages;
    expect(text.slice(stage.bodyStart)).toBe('RUN true\n');
    expect(stage.image?.text).toBe('alpine:3.19');
  });

  it('puts the header after the parser directives and detects CRLF', () => {
    const text =
      '# syntax=docker/dockerfile:1\r\n# escape=`\r\n# check=skip=all\r\n# a comment\r\nFROM x\r\n';
    const p = parseDockerfile(text);
    expect(p.eol).toBe('\r\n');
    expect(text.slice(p.headerAt)).toBe('# a comment\r\nFROM x\r\n');
  });

  it('a directive after a comment is only a comment', () => {
    const p = parseDockerfile('# hello\n# syntax=docker/dockerfile:1\nFROM x\n');
    expect(p.headerAt).toBe(0);
  });

  it('handles the backtick escape and heredocs', () => {
    const text =
      '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS base\nRUN <<EOF\nFROM evil\nEOF\n';
    const p = parseDockerfile(text);
    expect(p.stages.map((s) => [s.image?.text, s.name])).toEqual([
      ['mcr.microsoft.com/windows/servercore:ltsc2022', 'base'],
    ]);
  });
});

describe('ARGs before the first FROM', () => {
  it('reads every name of a multi-name ARG, and a later ARG of the same name wins', () => {
    const p = parseDockerfile(
      "ARG BASE=alpine:3.19 GO='golang:1.22'\nARG BASE=debian:12\nFROM $BASE\n",
    );
    expect(p.args.get('GO')?.value?.text).toBe('golang:1.22');
    expect(p.args.get('BASE')?.value?.text).toBe('debian:12');
  });
});

describe('a byte-order mark', () => {
  it('stays first: the header goes after it, and after the directives it precedes', () => {
    expect(parseDockerfile('\uFEFFFROM x\n').headerAt).toBe(1);
    const text = '\uFEFF# syntax=docker/dockerfile:1\nFROM x\n';
    expect(text.slice(parseDockerfile(text).headerAt)).toBe('FROM x\n');
  });
  it('keeps the spans output.combined renames: stage names, FROM flags, every ARG', () => {
    const text = [
      'ARG A=1 B="two words"',
      'FROM --platform=$BUILDPLATFORM $BASE AS Build',
      'ARG A',
      'FROM build',
      '',
    ].join('\n');
    const p = parseDockerfile(text);
    expect(p.escape).toBe('\\');
    expect(
      p.stages.map((s) => [s.start, s.nameSpan?.text ?? null, s.flags.map((f) => f.text)]),
    ).toEqual([
      [text.indexOf('FROM --'), 'Build', ['--platform=$BUILDPLATFORM']],
      [text.indexOf('FROM build'), null, []],
    ]);
    expect(
      p.argInstructions.map((a) => [
        a.stage,
        a.span.text,
        a.properties.map((q) => [q.name.text, q.value?.text ?? null]),
      ]),
    ).toEqual([
      [
        null,
        'ARG A=1 B="two words"',
        [
          ['A', '1'],
          ['B', '"two words"'],
        ],
      ],
      [0, 'ARG A', [['A', null]]],
    ]);
  });
});

// BuildKit (frontend/dockerfile/dockerfile2llb/convert.go): a stage is added with `addState`, which
// looks its FROM up among the stages added so far, exactly as written; `--from` is resolved by
// `toCommand` after every stage is added, by `findStateByName` (lower-cased), or by index.
describe('stage references, resolved as BuildKit resolves them', () => {
  const uses = (text: string) =>
    parseDockerfile(text).imageUses.map((u) => [u.kind, u.span.text, u.source]);

  it('COPY --from and RUN --mount from= name a stage defined LATER in the file', () => {
    const text = [
      'FROM alpine:3.19',
      'COPY --from=node /usr/local/bin/node /usr/bin/',
      'RUN --mount=type=bind,from=Node,target=/n true',
      'FROM node:20 AS node',
      'COPY --from=alpine:3.19 /etc/os-release /',
      'COPY --from=1 /a /a',
      '',
    ].join('\n');
    expect(uses(text)).toEqual([
      ['copy', 'node', 1],
      ['mount', 'Node', 1],
      ['copy', 'alpine:3.19', null],
      ['copy', '1', 1],
    ]);
  });

  it('so render maps only the image, never a later stage named in a flag', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': [
        'FROM alpine:3.19',
        'COPY --from=node /usr/local/bin/node /usr/bin/',
        'RUN --mount=type=bind,from=node,target=/n true',
        'FROM node:20 AS node',
        '',
      ].join('\n'),
    });
    const { code, stdout } = await xdf(dir, 'render', 'Dockerfile.tpl', '--arch', 'arm64v8');
    expect(code).toBe(0);
    expect(stdout).toContain('COPY --from=node /usr/local/bin/node');
    expect(stdout).toContain('from=node,target=/n');
    expect(stdout).toContain('FROM arm64v8/node:20 AS node');
  });

  it('FROM names only an earlier stage, as written, its latest definition so far', () => {
    const p = parseDockerfile(
      [
        'FROM node AS base',
        'FROM alpine AS node',
        'FROM base AS base',
        'FROM base',
        'FROM BASE',
        '',
      ].join('\n'),
    );
    // `FROM node` comes before the stage named node: it is the image.
    expect(p.stages.map((s) => s.base)).toEqual([null, null, 0, 2, null]);
  });

  it('a --from name given to two stages means the last one', () => {
    const text = 'FROM a AS x\nFROM b AS x\nFROM c\nCOPY --from=x /a /a\n';
    expect(uses(text)).toEqual([['copy', 'x', 1]]);
  });
});
