import { describe, expect, it } from 'vitest';
import { renderSnippet } from '../../src/template/snippet.js';
import { problemOf } from '../helpers/problems.js';

describe('renderSnippet', () => {
  it('a map of vars printed whole is XDF012 at the config key, never [object Object]', () => {
    const data = { vars: { obj: { k: 'v' } } };
    const where = { file: '/p/xdf.yaml', line: 4, column: 3, key: 'matrix.build_args.X' };
    expect(problemOf(() => renderSnippet('x-{{vars.obj}}', data, where))).toMatchObject({
      code: 'XDF012',
      message:
        'matrix.build_args.X: cannot render "x-{{vars.obj}}": {{vars.obj}} is a map, which ' +
        'prints as [object Object]',
      line: 4,
    });
    expect(renderSnippet('{{#if vars.obj}}{{vars.obj.k}}{{/if}}', data, where)).toBe('v');
  });
});
