// The rows assembled into one template: blocks, else-branches, line endings, ragged ends.
import { describe, expect, it } from 'vitest';
import { alignFiles } from '../../src/adopt/align.js';
import { lineEnding, splitLines } from '../../src/adopt/lines.js';
import { PinBook } from '../../src/adopt/pins.js';
import { generaliseRow } from '../../src/adopt/rows.js';
import { ORDER } from '../../src/adopt/schemes.js';
import { assembleTemplate } from '../../src/adopt/template.js';
import { joinTemplate } from '../../src/template/escape.js';
import { renderTemplate } from '../../src/template/render.js';
import { archByName } from '../../src/arches/table.js';
import { variantsOf } from '../../src/adopt/build.js';

function template(texts: Record<string, string>): string {
  const arches = Object.keys(texts);
  const files = arches.map((arch) => ({ path: arch, arch, how: '', text: texts[arch] }));
  const lines = arches.map((a) => splitLines(texts[a]));
  const rows = alignFiles(lines.map((l, i) => ({ lines: l, arch: arches[i] })));
  const emulated = new Set(arches.filter((a) => a !== 'amd64'));
  const ctx = { pins: new PinBook(), schemes: ORDER, arches, emulated };
  const outs = rows.map((r) => generaliseRow(variantsOf(r, files, lines), ctx));
  const text = assembleTemplate(
    arches.map((arch, i) => ({ arch, lines: lines[i] })),
    rows,
    outs,
    { arches, emulated, eol: lineEnding(lines) },
  );
  // and it renders every file back
  for (const arch of arches) {
    const a = archByName(arch);
    const ctxt = {
      arch: a,
      host: archByName('amd64'),
      emulated: emulated.has(arch),
      native: false,
      pins: {},
      vars: {},
    };
    expect(renderTemplate({ file: '/t.tpl', text }, ctxt), arch).toBe(texts[arch]);
  }
  return text;
}

describe('assembleTemplate', () => {
  it('lines some arches lack become a block; emulator lines an {{#if emulated}} block', () => {
    expect(
      template({
        amd64: 'FROM x\nENV NVIDIA=all\nRUN a\n',
        arm64v8: 'FROM x\nCOPY qemu-aarch64-static /usr/bin/\nRUN a\n',
      }),
    ).toBe(
      // one arch's line says nothing of a scheme: it stays as written
      'FROM x\n{{#if emulated}}\nCOPY qemu-aarch64-static /usr/bin/\n{{else}}\nENV NVIDIA=all\n{{/if}}\nRUN a\n',
    );
  });
  it('a ragged end: a final line break and a trailing blank line in some files only', () => {
    expect(
      template({
        amd64: 'FROM x\nCMD ["x"]\n\n',
        arm32v7: 'FROM x\nCMD ["x"]',
        arm64v8: 'FROM x\nCMD ["x"]\n\n',
      }),
    ).toBe('FROM x\nCMD ["x"]{{#arch "arm32v7"}}{{else}}\n\n{{/arch}}');
  });
  it('CRLF files stay CRLF', () => {
    expect(
      template({ amd64: 'FROM x\r\nRUN a\r\n', arm64v8: 'FROM x\r\nRUN b\r\nRUN a\r\n' }),
    ).toBe('FROM x\r\n{{#arch "arm64v8"}}\r\nRUN b\r\n{{/arch}}\r\nRUN a\r\n');
  });
});

describe('joinTemplate', () => {
  it('escapes {{ in literal text, and doubles a backslash right before a tag', () => {
    expect(joinTemplate([{ literal: 'a {{b}} \\' }, { tag: '{{arch}}' }])).toBe(
      'a \\{{b}} \\\\{{arch}}',
    );
  });
});
