import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arches/table.js';
import { partialsOnDisk } from '../../src/plan/inputs.js';
import { loadTemplate } from '../../src/template/partials.js';
import { renderTemplate, type RenderContext } from '../../src/template/render.js';
import { TEMPLATE_LIMITS } from '../../src/template/parse.js';
import { problemOf } from '../helpers/problems.js';

const ctx = (arch = 'arm64v8', extra: Partial<RenderContext> = {}): RenderContext => ({
  arch: archByName(arch),
  host: archByName('amd64'),
  emulated: arch !== 'amd64',
  native: false,
  pins: { go: '1.10' },
  vars: { version: '2.8.1' },
  ...extra,
});
// Partials are read the way a run reads them: by load.ts, from the template's folder tree.
const render = (text: string, c = ctx(), file = '/t/Dockerfile.tpl') =>
  renderTemplate(loadTemplate(file, text, partialsOnDisk(5 << 20)), c);

describe('renderTemplate', () => {
  // Plain lookups skip Handlebars; an empty block sends the same text through it.
  it('renders plain lookups exactly as Handlebars does', () => {
    const lookup = fc.constantFrom(
      '{{arch}}',
      '{{ arch.debian }}',
      '{{arch.qemu}}',
      '{{arch.variant}}',
      '{{host}}',
      '{{host.platform}}',
      '{{emulated}}',
      '{{native}}',
      '{{pins.go}}',
      '{{vars.version}}',
    );
    const literal = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '&', '<', '"', '$', '}') });
    const text = fc.array(fc.oneof(literal, lookup), { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom('amd64', 'arm32v7', 'arm64v8', 's390x'), (t, arch) => {
        // the same text, or the same error at the same place
        const outcome = (text: string) => {
          try {
            return render(text, ctx(arch));
          } catch {
            const { code, line, column } = problemOf(() => render(text, ctx(arch)));
            return { code, line, column };
          }
        };
        // (after a first character: Handlebars adds two leading booleans as numbers, false + false
        // = "0", where the plain path writes "falsefalse")
        expect(outcome(`#${t}`)).toEqual(outcome(`#${t}{{#if true}}{{/if}}`));
      }),
      { numRuns: 1000 },
    );
  });

  it('fills arch fields, pins and vars without HTML escaping', () => {
    expect(
      render(
        '{{arch}} {{arch.debian}} {{arch.platform}} {{host}} {{pin "go"}} {{vars.version}} && <a> "q"',
      ),
    ).toBe('arm64v8 arm64 linux/arm64 amd64 1.10 2.8.1 && <a> "q"');
  });
  it('selects arches with the arch block and compares arches by name', () => {
    const t =
      '{{#arch "arm64v8" "arm32v7"}}arm{{else}}other{{/arch}} {{#if (eq arch "amd64")}}x86{{/if}}{{#if emulated}}qemu{{/if}}';
    expect(render(t)).toBe('arm qemu');
    expect(render(t, ctx('amd64'))).toBe('other x86');
  });
  it('and/or/not/ne', () => {
    expect(
      render(
        '{{#if (and emulated (ne arch "arm32v7") (not native))}}y{{/if}}{{#if (or native (eq arch "s390x"))}}n{{/if}}',
      ),
    ).toBe('y');
  });
  it('returns a plain Dockerfile unchanged, and \\{{ gives a literal Go template', () => {
    expect(render('FROM x\nRUN docker inspect -f "{{.State}}"\n'.replace('{{', '\\{{'))).toBe(
      'FROM x\nRUN docker inspect -f "{{.State}}"\n',
    );
    expect(render('FROM x\n')).toBe('FROM x\n');
  });
  it('an unknown variable fails at its line and column', () => {
    const p = problemOf(() => render('FROM x\nRUN echo {{nope}}\n'));
    expect(p).toMatchObject({ code: 'XDF021', file: '/t/Dockerfile.tpl', line: 2, column: 12 });
  });
  it('an unescaped Go template says how to escape it', () => {
    const p = problemOf(() => render('FROM x\nRUN docker inspect -f "{{.State}}"\n'));
    expect(p).toMatchObject({ code: 'XDF022', line: 2, column: 24 });
    expect(p.hint).toContain('\\{{.State}}');
  });
  it('an unclosed block is a syntax error at the template', () => {
    expect(problemOf(() => render('FROM x\n{{#if emulated}}\nRUN y\n'))).toMatchObject({
      code: 'XDF020',
      file: '/t/Dockerfile.tpl',
    });
  });
  it('a block opened before a long run of blanks is found in linear time', () => {
    const started = Date.now();
    expect(
      problemOf(() => render(`FROM x\n{{#if emulated}}\n{{#${' '.repeat(300_000)}`)),
    ).toMatchObject({
      code: 'XDF020',
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });
  it('a helper called with what it does not take is XDF020 at its line, never a message about Handlebars', () => {
    const cases: [string, string][] = [
      ['{{pin "go" "x"}}', '{{pin}} takes 1 argument, not 2'],
      ['{{#pin "go"}}x{{/pin}}', 'pin is not a block'],
      ['{{#eq arch "amd64"}}x{{/eq}}', 'eq is not a block'],
      ['{{eq arch}}', '{{eq}} takes 2 arguments, not 1'],
      ['{{#if}}x{{/if}}', '{{#if}} takes 1 argument, not 0'],
      ['{{#each}}x{{/each}}', '{{#each}} takes 1 argument, not 0'],
      ['{{if emulated}}', 'if is a block: write {{#if …}}…{{/if}}'],
      [
        '{{arch "arm64v8"}}',
        '{{arch}} takes 0 arguments, not 1: names of arches select with {{#arch "arm64v8"}}…{{/arch}}',
      ],
      ['{{#arch}}x{{/arch}}', '{{#arch}} takes 1 or more arguments, not 0'],
    ];
    for (const [call, message] of cases)
      expect(
        problemOf(() => render(`FROM x\nRUN ${call}\n`)),
        call,
      ).toMatchObject({
        code: 'XDF020',
        message: `template error: ${message}`,
        line: 2,
        column: 5,
      });
    expect(problemOf(() => render('FROM x\n{{*decorator}}\n'))).toMatchObject({
      code: 'XDF020',
      line: 2,
    });
    expect(
      problemOf(() => render('FROM x\n{{#blockHelperMissing}}x{{/blockHelperMissing}}\n')),
    ).toMatchObject({ code: 'XDF024', line: 2 });
    // what they do take still renders
    expect(render('{{#*inline "p"}}RUN {{arch}}{{/inline}}{{> p}}')).toBe('RUN arm64v8');
    expect(render('{{#if (eq arch "arm64v8")}}{{#arch "aarch64"}}y{{/arch}}{{/if}}')).toBe('y');
  });
  it('a map of the data printed whole is XDF022 wherever @root names it', () => {
    for (const text of [
      '{{@root}}',
      '{{vars}}',
      '{{@root.pins}}',
      '{{#each arch}}{{@root}}{{/each}}',
    ])
      expect(
        problemOf(() => render(`FROM x\nRUN ${text}\n`)),
        text,
      ).toMatchObject({
        code: 'XDF022',
        line: 2,
      });
    expect(render('{{#with vars}}{{version}}{{/with}}')).toBe('2.8.1');
  });
  it('a map of vars printed whole is XDF022 at its expression, never [object Object]', () => {
    const c = ctx('arm64v8', { vars: { obj: { k: 'v' }, list: ['a', 'b'], maps: [{ a: '1' }] } });
    expect(problemOf(() => render('FROM x\nRUN {{vars.obj}}\n', c))).toMatchObject({
      code: 'XDF022',
      message: '{{vars.obj}} is a map, which prints as [object Object]',
      line: 2,
      column: 7,
    });
    expect(
      problemOf(() => render('FROM x\n{{#if emulated}}{{vars.obj}}{{/if}}\n', c)),
    ).toMatchObject({
      code: 'XDF022',
      line: 2,
    });
    expect(problemOf(() => render('{{#each vars.maps}}{{this}}{{/each}}', c))).toMatchObject({
      code: 'XDF022',
      message: '{{vars.maps.0}} is a map, which prints as [object Object]',
    });
    // its values, its keys, a test of it and a list still render; a missing key is still XDF021
    expect(
      render(
        '{{vars.obj.k}} {{#each vars.obj}}{{@key}}{{/each}} {{#if vars.obj}}y{{/if}} {{vars.list}}',
        c,
      ),
    ).toBe('v k y a,b');
    expect(problemOf(() => render('{{#each vars.maps}}{{b}}{{/each}}', c))).toMatchObject({
      code: 'XDF021',
      message: 'unknown template variable "b"',
    });
  });
  it('prototype access is an error, not an empty string', () => {
    expect(problemOf(() => render('{{constructor}}'))).toMatchObject({ code: 'XDF024', line: 1 });
    expect(problemOf(() => render('{{vars.__proto__}}'))).toMatchObject({ code: 'XDF024' });
  });
  it('partials come from the template folder tree only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-render-'));
    fs.mkdirSync(path.join(dir, 'parts'));
    fs.writeFileSync(path.join(dir, 'parts', 'apt.hbs'), 'RUN apt-get install {{arch.debian}}\n');
    expect(render('{{> parts/apt}}', ctx(), path.join(dir, 'Dockerfile.tpl'))).toBe(
      'RUN apt-get install arm64\n',
    );
    expect(
      problemOf(() => render('{{> ../etc/passwd}}', ctx(), path.join(dir, 'Dockerfile.tpl'))),
    ).toMatchObject({ code: 'XDF023', line: 1 });
  });
  it('a partial that is a FIFO, a device or a broken link is XDF005 at its call, not "not found"', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-render-'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.hbs')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.hbs'));
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'broken.hbs'));
    for (const name of ['fifo', 'zero', 'broken'])
      for (const text of [
        `FROM x\n{{> ${name}}}\n`,
        `FROM x\n{{#> ${name}}}fallback{{/${name}}}\n`,
      ])
        expect(
          problemOf(() => render(text, ctx(), path.join(dir, 'Dockerfile.tpl'))),
          text,
        ).toMatchObject({
          code: 'XDF005',
          line: 2,
        });
  });
  it('nesting renders up to a limit, then fails clearly instead of blowing the stack', () => {
    const nested = (depth: number) =>
      '{{#if emulated}}'.repeat(depth) + 'deep' + '{{/if}}'.repeat(depth);
    expect(render(nested(TEMPLATE_LIMITS.nesting))).toBe('deep');
    expect(problemOf(() => render(nested(TEMPLATE_LIMITS.nesting + 1)))).toMatchObject({
      code: 'XDF025',
      line: 1,
    });
    expect(problemOf(() => render(nested(100_000)))).toMatchObject({ code: 'XDF025', line: 1 });
  });
});

describe('block partials', () => {
  it('render the fallback when the partial is missing, and @partial-block inside one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-block-'));
    fs.writeFileSync(path.join(dir, 'wrap.hbs'), 'RUN set -e; {{> @partial-block}}\n');
    const file = path.join(dir, 'Dockerfile.tpl');
    expect(render('{{#> missing}}RUN echo fallback\n{{/missing}}', ctx(), file)).toBe(
      'RUN echo fallback\n',
    );
    expect(render('{{#> wrap}}make {{arch}}{{/wrap}}', ctx(), file)).toBe(
      'RUN set -e; make arm64v8\n',
    );
    expect(problemOf(() => render('{{> missing}}', ctx(), file))).toMatchObject({ code: 'XDF023' });
  });
});

describe('errors in partials', () => {
  it('point at the partial file and its line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-partial-err-'));
    fs.writeFileSync(path.join(dir, 'apt.hbs'), 'RUN true\nRUN echo {{nope}}\n');
    expect(
      problemOf(() => render('FROM x\n{{> apt}}', ctx(), path.join(dir, 'Dockerfile.tpl'))),
    ).toMatchObject({ code: 'XDF021', file: path.join(dir, 'apt.hbs'), line: 2 });
  });
});
