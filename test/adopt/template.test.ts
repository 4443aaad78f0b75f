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
  const pins = new PinBook();
  const ctx = { pins, schemes: ORDER, arches, emulated };
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
      pins: Object.fromEntries([...pins.pins].map(([name, values]) => [name, values[arch]])),
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
  it('{{#if emulated}} only for lines about emulation: not for a tag that names a scheme', () => {
    expect(
      template({
        amd64: 'FROM x\nRUN a\n',
        arm32v7: 'FROM x\nENV CC=/usr/bin/arm-gcc\nRUN a\n',
        arm64v8: 'FROM x\nENV CC=/usr/bin/aarch64-gcc\nRUN a\n',
      }),
    ).toBe(
      'FROM x\n{{#arch "amd64"}}\n{{else}}\nENV CC=/usr/bin/{{arch.qemu}}-gcc\n{{/arch}}\nRUN a\n',
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
  it('consecutive lines that differ for different arches share one block', () => {
    // the same COPY lines in another order in one file: one block, not one per line
    expect(
      template({
        amd64: 'FROM x\nCOPY a a\nCOPY b b\nCOPY c c\nRUN z\n',
        arm32v7: 'FROM x\nCOPY c c\nCOPY b b\nCOPY a a\nRUN z\n',
        arm64v8: 'FROM x\nCOPY a a\nCOPY b b\nCOPY c c\nRUN z\n',
      }),
    ).toBe(
      'FROM x\n{{#arch "arm32v7"}}\nCOPY c c\nCOPY b b\nCOPY a a\n{{else}}\nCOPY a a\nCOPY b b\nCOPY c c\n{{/arch}}\nRUN z\n',
    );
  });
  it('a blank line between two blocks for the same arches goes into one block', () => {
    expect(
      template({
        amd64: 'FROM x\nRUN apk add curl\n\nUSER nobody\nCMD c\n',
        arm64v8: 'FROM x\nCOPY qemu-aarch64-static /usr/bin/\n\nENV QEMU_EXECVE=1\nCMD c\n',
      }),
    ).toBe(
      'FROM x\n{{#if emulated}}\nCOPY qemu-aarch64-static /usr/bin/\n\nENV QEMU_EXECVE=1\n' +
        '{{else}}\nRUN apk add curl\n\nUSER nobody\n{{/if}}\nCMD c\n',
    );
  });
  it('the group with the longest names is the else; a group with no lines there needs none', () => {
    // lines only arm32v7 lacks: the one name is the block's, the others the else
    expect(
      template({
        amd64: 'FROM x\nRUN a\nCMD c\n',
        arm32v7: 'FROM x\nCMD c\n',
        arm64v8: 'FROM x\nRUN a\nCMD c\n',
        ppc64le: 'FROM x\nRUN a\nCMD c\n',
      }),
    ).toBe('FROM x\n{{#arch "arm32v7"}}\n{{else}}\nRUN a\n{{/arch}}\nCMD c\n');
    // lines only amd64 has: named, and no else for the others
    expect(
      template({
        amd64: 'FROM x\nRUN a\nCMD c\n',
        arm32v7: 'FROM x\nCMD c\n',
        arm64v8: 'FROM x\nCMD c\n',
      }),
    ).toBe('FROM x\n{{#arch "amd64"}}\nRUN a\n{{/arch}}\nCMD c\n');
  });
  it('in a branch of its own, an arch writes its own line, not the line generalised', () => {
    expect(
      template({
        amd64: 'FROM x\nRUN apk add curl\nENV A=x86_64\nRUN apk add wget\n',
        arm32v7: 'FROM x\nUSER nobody\nENV A=armv7\nUSER root\n',
        arm64v8: 'FROM x\nUSER nobody\nENV A=aarch64\nUSER root\n',
      }),
    ).toBe(
      'FROM x\n{{#arch "amd64"}}\nRUN apk add curl\nENV A=x86_64\nRUN apk add wget\n' +
        '{{else}}\nUSER nobody\nENV A={{arch.alpine}}\nUSER root\n{{/arch}}\n',
    );
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
