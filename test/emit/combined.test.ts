import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arches/table.js';
import { combineDockerfiles } from '../../src/emit/combined.js';
import { problemOf } from '../helpers/problems.js';

const TEMPLATE = '/project/Dockerfile.tpl';

/** Arch name → its final Dockerfile (without header), combined with no header lines. */
const combine = (texts: Record<string, string>, header: string[] = []) =>
  combineDockerfiles(
    TEMPLATE,
    Object.entries(texts).map(([name, text]) => ({
      arch: archByName(name),
      text,
      place: (line: number, column: number) => ({ file: TEMPLATE, line, column }),
    })),
    header,
  );

const lines = (text: string) => text.split('\n');

describe('combineDockerfiles: stages', () => {
  it('suffixes every stage with its arch, names the unnamed, and ends with the selector', () => {
    const out = combine({
      amd64: 'FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.19\nFROM scratch\n',
      arm64v8:
        'FROM arm64v8/golang:1.22 AS build\nRUN go build\nFROM arm64v8/alpine:3.19\nFROM scratch\n',
    });
    expect(out).toBe(
      [
        'ARG TARGETARCH',
        'ARG TARGETVARIANT',
        '',
        '# amd64 (linux/amd64)',
        'FROM golang:1.22 AS build-amd64',
        'RUN go build',
        'FROM alpine:3.19 AS stage-1-amd64',
        'FROM scratch AS final-amd64',
        '',
        '# arm64v8 (linux/arm64)',
        'FROM arm64v8/golang:1.22 AS build-arm64v8',
        'RUN go build',
        'FROM arm64v8/alpine:3.19 AS stage-1-arm64v8',
        'FROM scratch AS final-arm64',
        '',
        '# The last stage of the platform being built (TARGETARCH and TARGETVARIANT)',
        'FROM final-arm64 AS final-arm64v8',
        'FROM final-${TARGETARCH}${TARGETVARIANT}',
        '',
      ].join('\n'),
    );
  });

  it('names the last stage of each arch as TARGETARCH and TARGETVARIANT spell its platform', () => {
    const out = combine(
      Object.fromEntries(
        ['amd64', 'i386', 'arm32v5', 'arm32v6', 'arm32v7', 'arm64v8', 'ppc64le', 's390x'].map(
          (a) => [a, 'FROM scratch AS app\n'],
        ),
      ),
    );
    expect(lines(out).filter((l) => l.startsWith('FROM'))).toEqual([
      'FROM scratch AS final-amd64',
      'FROM scratch AS final-386',
      'FROM scratch AS final-armv5',
      'FROM scratch AS final-armv6',
      'FROM scratch AS final-armv7',
      'FROM scratch AS final-arm64',
      'FROM scratch AS final-ppc64le',
      'FROM scratch AS final-s390x',
      // podman sets TARGETVARIANT=v8 for --platform linux/arm64/v8; BuildKit leaves it empty
      'FROM final-arm64 AS final-arm64v8',
      'FROM final-${TARGETARCH}${TARGETVARIANT}',
    ]);
  });

  it('rewrites every reference to a stage: FROM, COPY --from by name or index, RUN --mount from=', () => {
    const text = [
      'FROM busybox AS Build',
      'FROM busybox',
      'from build AS again',
      'COPY --from=0 /a /a',
      'COPY --chown=1:1 --from=build /b /b',
      'RUN --mount=type=bind,from=1,target=/m --mount=type=cache,target=/c true',
      'COPY --from=alpine:3.19 /x /x',
      'FROM scratch',
      'COPY --from=again /a /a',
      '',
    ].join('\n');
    const out = combine({ amd64: text, arm32v7: text });
    expect(lines(out).slice(4, 13)).toEqual([
      'FROM busybox AS build-amd64',
      'FROM busybox AS stage-1-amd64',
      'from build-amd64 AS again-amd64',
      'COPY --from=build-amd64 /a /a',
      'COPY --chown=1:1 --from=build-amd64 /b /b',
      'RUN --mount=type=bind,from=stage-1-amd64,target=/m --mount=type=cache,target=/c true',
      'COPY --from=alpine:3.19 /x /x',
      'FROM scratch AS final-amd64',
      'COPY --from=again-amd64 /a /a',
    ]);
    expect(out).toContain('COPY --from=build-arm32v7 /a /a\n');
    expect(out).toContain('FROM scratch AS final-armv7\nCOPY --from=again-arm32v7 /a /a\n');
  });

  it("a FROM that names a stage through ARGs names that arch's stage; through an image, none", () => {
    const text = (base: string) =>
      `ARG V=prod\nARG BASE=${base}\nFROM ${base} AS base-prod\nFROM \${BASE} AS b\nFROM base-\${V}\n`;
    const out = combine({ amd64: text('busybox'), arm64v8: text('arm64v8/busybox') });
    expect(out).toContain('FROM ${BASE_amd64} AS b-amd64\nFROM base-${V}-amd64 AS final-amd64\n');
    expect(out).toContain('FROM base-${V}-arm64v8 AS final-arm64\n');
  });

  it('keeps stage names apart from the template own: stage-N and final are taken elsewhere', () => {
    const text = 'FROM busybox AS stage-1\nFROM busybox\nFROM busybox AS final\nFROM scratch\n';
    const out = combine({ amd64: text, arm64v8: text });
    expect(lines(out).filter((l) => l.startsWith('FROM'))).toEqual([
      'FROM busybox AS stage-1-amd64',
      'FROM busybox AS xstage-1-amd64',
      'FROM busybox AS final-amd64',
      'FROM scratch AS xdf-final-amd64',
      'FROM busybox AS stage-1-arm64v8',
      'FROM busybox AS xstage-1-arm64v8',
      'FROM busybox AS final-arm64v8',
      'FROM scratch AS xdf-final-arm64',
      'FROM xdf-final-arm64 AS xdf-final-arm64v8',
      'FROM xdf-final-${TARGETARCH}${TARGETVARIANT}',
    ]);
  });

  it('keeps every byte of a stage that has nothing to rename', () => {
    const text = 'FROM busybox\r\n# a comment \r\nRUN echo a \\\r\n  b\r\nCOPY x /y\r\n';
    const out = combine({ amd64: text, arm64v8: text });
    expect(out).toContain('# a comment \r\nRUN echo a \\\r\n  b\r\nCOPY x /y\r\n');
    expect(out).toContain('\r\nFROM final-${TARGETARCH}${TARGETVARIANT}\r\n');
    expect(out).not.toMatch(/[^\r]\n/);
  });

  it('a file that ends inside a line continuation does not swallow the next arch', () => {
    const out = combine({
      amd64: 'FROM busybox\nRUN a \\\n# a comment\n',
      arm64v8: 'FROM arm64v8/busybox\nRUN a \\',
    });
    expect(out).toContain('FROM busybox AS final-amd64\nRUN a \n# a comment\n\n# arm64v8');
    expect(out).toContain('FROM arm64v8/busybox AS final-arm64\nRUN a \n\n# The last');
  });

  it('a file that ends in many comment lines is combined in linear time', () => {
    const comments = '# a comment\n'.repeat(100_000);
    const started = Date.now();
    const out = combine({
      amd64: `FROM busybox\nRUN a \\\n${comments}`,
      arm64v8: `FROM arm64v8/busybox\n${comments}`,
    });
    expect(out).toContain('FROM busybox AS final-amd64\nRUN a \n# a comment\n');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('ends a stage without a final line break before the next arch', () => {
    const out = combine({ amd64: 'FROM busybox', arm64v8: 'FROM arm64v8/busybox' });
    expect(out).toContain('FROM busybox AS final-amd64\n\n# arm64v8');
  });
});

describe('combineDockerfiles: ARGs before the first FROM', () => {
  it('renames an ARG whose default differs per arch, and every use of it in a FROM', () => {
    const out = combine({
      amd64: 'ARG BASE=busybox\nARG V=1\nFROM ${BASE} AS b\nFROM --platform=$BUILDPLATFORM $BASE\n',
      arm32v7:
        'ARG BASE=arm32v7/busybox\nARG V=1\nFROM ${BASE} AS b\nFROM --platform=$BUILDPLATFORM $BASE\n',
    });
    expect(lines(out).slice(0, 6)).toEqual([
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
      'ARG BASE_amd64=busybox',
      'ARG BASE_arm32v7=arm32v7/busybox',
      'ARG V=1',
      '',
    ]);
    expect(out).toContain(
      'FROM ${BASE_amd64} AS b-amd64\nFROM --platform=$BUILDPLATFORM $BASE_amd64 AS final-amd64\n',
    );
    expect(out).toContain('FROM ${BASE_arm32v7} AS b-arm32v7\n');
  });

  it('renames the ARGs whose defaults expand a renamed one, and writes a stage ARG out', () => {
    const out = combine({
      amd64: 'ARG A=x\nARG B=${A}-y\nFROM busybox:$B\nARG A\nRUN echo $A\n',
      arm64v8: 'ARG A="z w"\nARG B=${A}-y\nFROM busybox:$B\nARG A\nRUN echo $A\n',
    });
    expect(lines(out).slice(2, 6)).toEqual([
      'ARG A_amd64=x',
      'ARG A_arm64v8="z w"',
      'ARG B_amd64=${A_amd64}-y',
      'ARG B_arm64v8=${A_arm64v8}-y',
    ]);
    // the stage's ARG A took the default before the first FROM: it gets it written out
    expect(out).toContain('FROM busybox:$B_amd64 AS final-amd64\nARG A=x\n');
    expect(out).toContain('FROM busybox:$B_arm64v8 AS final-arm64\nARG A="z w"\n');
  });

  it('an ARG declared for some arches only is renamed for them; the others keep the bare name', () => {
    const out = combine({
      amd64: 'FROM busybox${SUFFIX}\n',
      arm64v8: 'ARG SUFFIX=:1\nFROM busybox${SUFFIX}\n',
    });
    expect(out).toContain('ARG SUFFIX_arm64v8=:1\n');
    expect(out).toContain('FROM busybox${SUFFIX} AS final-amd64\n');
    expect(out).toContain('FROM busybox${SUFFIX_arm64v8} AS final-arm64\n');
  });

  it('many ARGs before the first FROM cost their number, not its square', () => {
    const chain = (image: string) => {
      let text = `ARG A0=${image}\n`;
      for (let i = 1; i < 20_000; i++) text += `ARG A${i}=\${A${i - 1}}\n`;
      return `${text}FROM \${A19999}\n`;
    };
    const started = Date.now();
    const out = combine({ amd64: chain('busybox'), arm64v8: chain('arm64v8/busybox') });
    expect(out).toContain('ARG A19999_arm64v8=${A19998_arm64v8}\n');
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('a new name never takes one that the template uses', () => {
    const text = (v: string) => `ARG A=${v}\nARG A_amd64=q\nFROM busybox:$A\n`;
    const out = combine({ amd64: text('1'), arm64v8: text('2') });
    expect(out).toContain('ARG A_amd64_=1\nARG A_arm64v8=2\nARG A_amd64=q\n');
  });

  it('writes each arch its own ARGs and comments when they differ beyond renamed defaults', () => {
    const out = combine({
      amd64: '# amd64 only\nARG A=1\nFROM busybox:$A\n',
      arm64v8: 'ARG A=2\nFROM busybox:$A\n',
    });
    expect(lines(out).slice(2, 5)).toEqual(['# amd64 only', 'ARG A_amd64=1', 'ARG A_arm64v8=2']);
  });

  it('a stage ARG whose per-arch default expands another variable is XDF032', () => {
    const p = problemOf(() =>
      combine({
        amd64: 'ARG X=1\nARG A=${X}\nFROM busybox\nARG A\n',
        arm64v8: 'ARG X=2\nARG A=${X}\nFROM busybox\nARG A\n',
      }),
    );
    expect(p).toMatchObject({
      code: 'XDF032',
      file: TEMPLATE,
      rendered: 'line 4 of the final Dockerfile for amd64',
    });
  });
});

describe('combineDockerfiles: parser directives and the header', () => {
  it('keeps the directives first, then the header lines', () => {
    const text = '\uFEFF# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN a `\n  b\n';
    const out = combine({ amd64: text, arm32v7: text }, ['# Generated by xdf', '# xdf pin']);
    expect(lines(out).slice(0, 6)).toEqual([
      '\uFEFF# syntax=docker/dockerfile:1',
      '# escape=`',
      '# Generated by xdf',
      '# xdf pin',
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
    ]);
    expect(out).toContain('FROM busybox AS final-armv7\nRUN a `\n  b\n');
  });

  it('directives that differ between arches are XDF032 at the first that differs', () => {
    const p = problemOf(() =>
      combine({
        amd64: '# syntax=docker/dockerfile:1\nFROM busybox\n',
        arm64v8: '# syntax=docker/dockerfile:1.7\nFROM busybox\n',
      }),
    );
    expect(p).toMatchObject({ code: 'XDF032', file: TEMPLATE, line: 1 });
    expect(p.message).toContain('# syntax=docker/dockerfile:1.7');
    // an arch with none: pointed at its first line
    expect(
      problemOf(() => combine({ amd64: '# syntax=a\nFROM b\n', arm64v8: 'FROM b\n' })),
    ).toMatchObject({ code: 'XDF032', line: 1 });
    // the same directives written differently are the same
    expect(() =>
      combine({ amd64: '#syntax = a\nFROM b\n', arm64v8: '# SYNTAX=a\nFROM b\n' }),
    ).not.toThrow();
  });

  it('a directive line of many blanks is compared in linear time', () => {
    const directive = `# syntax=docker/dockerfile:1${' '.repeat(200_000)}x `;
    const started = Date.now();
    const out = combine({
      amd64: `${directive}\nFROM busybox\n`,
      arm64v8: `${directive}\nFROM busybox\n`,
    });
    expect(out.startsWith(directive)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    // blanks at the end of a directive still do not make it differ
    expect(() =>
      combine({ amd64: '# syntax=a  \nFROM b\n', arm64v8: '# syntax=a\t\nFROM b\n' }),
    ).not.toThrow();
  });

  it('a different escape character per arch is XDF032', () => {
    const p = problemOf(() =>
      combine({ amd64: 'FROM busybox\n', arm64v8: '# escape=`\nFROM busybox\n' }),
    );
    expect(p.code).toBe('XDF032');
    expect(p.message).toContain('one file has one escape character');
  });
});
