import { describe, expect, it } from 'vitest';
import {
  flagOptions,
  flagValue,
  instructionWords,
  variableNames,
} from '../../src/dockerfile/words.js';

const words = (text: string, escape = '\\', flagsOnly = false) =>
  instructionWords(text, 0, text.length, escape, flagsOnly).map((w) => [
    w.text,
    text.slice(w.start, w.end),
  ]);

describe('instructionWords', () => {
  it('splits on blanks and reads continuations, dropping comment and empty lines inside them', () => {
    expect(
      words('FROM --platform=$BUILDPLATFORM \\\n  # a comment\n\n  golang:1.22   AS build').map(
        ([w]) => w,
      ),
    ).toEqual(['--platform=$BUILDPLATFORM', 'golang:1.22', 'AS', 'build']);
  });
  it("uses the file's escape character, and offsets point into the text", () => {
    const text = 'FROM `\r\n  mcr.microsoft.com/windows:ltsc2022 `\r\n  AS base';
    expect(words(text, '`')).toEqual([
      ['mcr.microsoft.com/windows:ltsc2022', 'mcr.microsoft.com/windows:ltsc2022'],
      ['AS', 'AS'],
      ['base', 'base'],
    ]);
  });
  it('stops at the first word that is not a flag when asked for flags only', () => {
    expect(words('COPY --chown=1 --from=build /a /b', '\\', true).map(([w]) => w)).toEqual([
      '--chown=1',
      '--from=build',
    ]);
  });
  it('reads flag values and mount options with their offsets', () => {
    const text = 'RUN --mount=type=bind,from=alpine:3.19,target=/x true';
    const [mount] = instructionWords(text, 0, text.length, '\\', true);
    const value = flagValue(mount, 'mount')!;
    const from = flagOptions(value).find((o) => o.name === 'from')!;
    expect(text.slice(from.value.start, from.value.end)).toBe('alpine:3.19');
    expect(flagValue(mount, 'from')).toBeUndefined();
  });
});

describe('variableNames', () => {
  const names = (text: string, escape = '\\') =>
    variableNames({ start: 10, end: 10 + text.length, text }, escape).map((v) => [
      v.text,
      v.start - 10,
    ]);
  it('finds $NAME, ${NAME} and ${NAME:-default}, at the offset of the name', () => {
    expect(names('$BASE')).toEqual([['BASE', 1]]);
    expect(names('golang:${GO}-alpine${X:-y}')).toEqual([
      ['GO', 9],
      ['X', 21],
    ]);
  });
  it('skips an escaped $, a $ inside single quotes, and a $ that names nothing', () => {
    expect(names('\\$A$B')).toEqual([['B', 4]]);
    expect(names('`$A$B', '`')).toEqual([['B', 4]]);
    expect(names(`'$A'"$B'"$1`)).toEqual([['B', 6]]);
  });
});
