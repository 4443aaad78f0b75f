// Rendering is bounded: an expansion past the output limit or the time limit, or a partial that
// includes itself, stops with XDF026 at the template line of the block, never a hang or a crash.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arches/table.js';
import { partialsOnDisk } from '../../src/plan/inputs.js';
import { loadTemplate } from '../../src/template/partials.js';
import { renderTemplate, type RenderContext } from '../../src/template/render.js';
import { problemOf } from '../helpers/problems.js';
import { makeProject, xdf } from '../helpers/project.js';

const list = Array.from({ length: 1000 }, (_, i) => i);
const ctx = (extra: Partial<RenderContext> = {}): RenderContext => ({
  arch: archByName('arm64v8'),
  host: archByName('amd64'),
  emulated: true,
  native: false,
  pins: { go: '1.10' },
  vars: { l: list, small: ['a', 'b'], obj: { k: 'v' } },
  ...extra,
});
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-budget-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
const render = (text: string, c = ctx(), dir = folder({})) =>
  renderTemplate(loadTemplate(path.join(dir, 'Dockerfile.tpl'), text, partialsOnDisk(5 << 20)), c);
const each3 = (body: string) =>
  'FROM x\n{{#each vars.l}}{{#each @root.vars.l}}\n  {{#each @root.vars.l}}' +
  `${body}{{/each}}{{/each}}{{/each}}\n`;
const timed = <T>(fn: () => T): [T, number] => {
  const start = Date.now();
  const value = fn();
  return [value, Date.now() - start];
};

describe('the render budget', () => {
  it('three nested each over 1,000 items: over the output limit, at the block, at once', () => {
    const [p, ms] = timed(() => problemOf(() => render(each3('x'), ctx({ outputLimit: 200_000 }))));
    expect(p).toMatchObject({ code: 'XDF026', line: 3, column: 3 });
    expect(p.message).toBe(
      'the rendered text would be over 200000 bytes: this block expands too much',
    );
    expect(ms).toBeLessThan(2000);
  });

  it('iterations that produce nothing stop at the time limit', () => {
    const [p, ms] = timed(() => problemOf(() => render(each3(''), ctx({ renderSeconds: 0.3 }))));
    expect(p).toMatchObject({ code: 'XDF026', line: 3, column: 3 });
    expect(p.message).toMatch(/^rendering takes more than 0.3 seconds/);
    expect(ms).toBeLessThan(3000);
  });

  it('partials fanning out (ten levels of five calls each) are counted too', () => {
    const files: Record<string, string> = { 'p/l9': 'y' };
    for (let i = 0; i < 9; i++) files[`p/l${i}`] = `{{> p/l${i + 1}}}`.repeat(5);
    const dir = folder(files);
    const [p, ms] = timed(() =>
      problemOf(() => render('FROM x\n{{> p/l0}}\n', ctx({ outputLimit: 100_000 }), dir)),
    );
    expect(p).toMatchObject({ code: 'XDF026' });
    expect(p.message).toMatch(/over 100000 bytes/);
    expect(ms).toBeLessThan(2000);
  });

  it('a partial that includes itself, directly or through another, stops at its call', () => {
    const dir = folder({ self: 'a\n{{> self}}', ping: '{{> pong}}', pong: 'x {{> ping}}' });
    expect(problemOf(() => render('FROM x\n{{> self}}\n', ctx(), dir))).toMatchObject({
      code: 'XDF026',
      file: path.join(dir, 'self'),
      line: 2,
      column: 1,
      message:
        'partial "self" is included 64 levels deep: a partial that includes itself never ends',
    });
    expect(problemOf(() => render('FROM x\n{{> ping}}\n', ctx(), dir))).toMatchObject({
      code: 'XDF026',
    });
  });

  it('an inline partial that includes itself is XDF026, not a stack overflow', () => {
    const p = problemOf(() => render('FROM x\n{{#*inline "r"}}{{> r}}{{/inline}}{{> r}}\n'));
    expect(p).toMatchObject({ code: 'XDF026' });
  });

  it('renders within the budget exactly as before: each, with, else, block params, partials', () => {
    const dir = folder({ 'p/item': '[{{v}}@{{@index}}{{#if @last}}!{{/if}}]' });
    const text =
      'FROM x\n{{#each vars.small}}{{> p/item v=this}}{{/each}}\n' +
      '{{#each vars.obj}}{{@key}}={{this}}{{/each}}\n' +
      '{{#each vars.none}}-{{else}}empty{{/each}}\n' +
      '{{#each vars.small as |v i|}}{{i}}{{v}}{{/each}}\n' +
      '{{#with vars.obj}}{{k}}{{/with}}{{#with vars.none}}-{{else}}no{{/with}}\n';
    expect(render(text, ctx({ vars: { small: ['a', 'b'], obj: { k: 'v' } } }), dir)).toBe(
      'FROM x\n[a@0][b@1!]\nk=v\nempty\n0a1b\nvno\n',
    );
    // A large but reasonable expansion: 1,000 × 1,000 bytes under the default limit.
    expect(render('{{#each vars.l}}{{#each @root.vars.l}}x{{/each}}{{/each}}').length).toBe(
      1_000_000,
    );
  });

  it('a wrapped helper called without its argument is refused at its line', () => {
    expect(problemOf(() => render('FROM x\n{{#with}}a{{/with}}\n'))).toMatchObject({
      code: 'XDF020',
      message: 'template error: {{#with}} takes 1 argument, not 0',
      line: 2,
    });
  });

  it('a helper error inside a partial points at the partial', () => {
    const dir = folder({ 'p/pin': 'RUN x\nRUN {{pin "nope"}}\n' });
    expect(problemOf(() => render('FROM x\n{{> p/pin}}\n', ctx(), dir))).toMatchObject({
      code: 'XDF021',
      file: path.join(dir, 'p/pin'),
      line: 2,
    });
  });
});

describe('the budget in a run', () => {
  it('generate: twice limits.input_bytes of text, at the template line of the block', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': each3('x'),
      'xdf.yaml': JSON.stringify({
        arches: ['amd64'],
        limits: { input_bytes: 100000 },
        vars: { l: list },
      }),
    });
    const [run, ms] = await (async () => {
      const start = Date.now();
      const r = await xdf(dir, 'generate');
      return [r, Date.now() - start] as const;
    })();
    expect(run.stderr).toMatch(
      /^Dockerfile\.tpl:3:3: error XDF026: the rendered text would be over 200000 bytes/,
    );
    expect(run.code).toBe(2);
    expect(ms).toBeLessThan(5000);
  });

  it('a config snippet (matrix.build_args) is bounded too: XDF012 at its key', async () => {
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM alpine:3.19\n',
      'xdf.yaml': JSON.stringify({
        arches: ['amd64'],
        vars: { l: list },
        matrix: {
          image: 'a/b',
          formats: ['json'],
          build_args: {
            A: '{{#each vars.l}}{{#each @root.vars.l}}{{#each @root.vars.l}}xxxxxxxxxx{{/each}}{{/each}}{{/each}}',
          },
        },
      }),
    });
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toMatch(
      /error XDF012: matrix\.build_args\.A: cannot render .*: the rendered text would be over/,
    );
    expect(run.code).toBe(2);
  });
});
