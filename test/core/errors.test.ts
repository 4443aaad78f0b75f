import { describe, expect, it } from 'vitest';
import { shownWarnings, type Problem } from '../../src/core/errors.js';

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
