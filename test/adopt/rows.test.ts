// A row's variants as template text: shared words, arch names in a scheme, pins, inline blocks.
import { describe, expect, it } from 'vitest';
import { joinTemplate } from '../../src/template/escape.js';
import { PinBook, nameFrom } from '../../src/adopt/pins.js';
import { generaliseRow, type RowContext, type RowOut } from '../../src/adopt/rows.js';
import { ORDER, explainSlot, schemesFor } from '../../src/adopt/schemes.js';
import { cutIntoSlots, lcsPairs } from '../../src/adopt/slots.js';
import { explainValues } from '../../src/adopt/values.js';

const ctx = (schemes = ORDER): RowContext => ({
  pins: new PinBook(),
  schemes,
  arches: ['amd64', 'arm32v7', 'arm64v8'],
  emulated: new Set(['arm32v7', 'arm64v8']),
});
const row = (texts: Record<string, string>, c = ctx()) => {
  const out = generaliseRow(
    Object.entries(texts).map(([arch, text]) => ({ text, arches: [arch] })),
    c,
  );
  return out.kind === 'common' ? joinTemplate(out.parts) : out;
};

describe('slots', () => {
  it('cuts variants into what they share and what differs', () => {
    expect(lcsPairs(['a', 'b', 'c'], ['a', 'c'])).toEqual([
      [0, 0],
      [2, 1],
    ]);
    const pieces = cutIntoSlots([
      { text: 'ADD release/linux/amd64/app /bin/', arches: ['amd64'] },
      { text: 'ADD release/linux/arm64/app /bin/', arches: ['arm64v8'] },
    ]);
    expect(pieces.map((p) => ('literal' in p ? p.literal : 'SLOT'))).toEqual([
      'ADD release/linux/',
      'SLOT',
      '/app /bin/',
    ]);
  });
  it('a slot is the arch’s name in a scheme, taking in shared text the name covers', () => {
    const variants = [
      { text: 'RUN build Release linux-x64 /out', arches: ['amd64'] },
      { text: 'RUN build Release linux-arm /out', arches: ['arm32v7'] },
      { text: 'RUN build Release linux-arm64 /out', arches: ['arm64v8'] },
    ];
    const [, slot] = cutIntoSlots(variants);
    expect(explainSlot(variants, (slot as { slot: never }).slot)).toEqual({
      field: 'dotnet',
      left: 6,
      right: 0,
    });
  });
  it('whole values: one text with the arch’s name', () => {
    expect(
      explainValues([
        { text: 'balenalib/aarch64-debian:buster', arch: 'arm64v8' },
        { text: 'balenalib/armv7hf-debian:buster', arch: 'arm32v7' },
      ]),
    ).toBe('balenalib/{{arch.balena}}-debian:buster');
    expect(explainValues([{ text: 'alpine:3.12', arch: 'arm64v8' }])).toBeUndefined();
  });
  it('download vocabularies only in sets that use that project', () => {
    expect(schemesFor('FROM debian\nRUN apt-get install curl')).not.toContain('tini');
    expect(schemesFor('ADD https://github.com/krallin/tini/releases/x /tini')).toContain('tini');
    expect(schemesFor('ARG OVERLAY_ARCH=amd64')).toEqual(expect.arrayContaining(['s6', 's6v2']));
  });
});

describe('generaliseRow', () => {
  it('an arch name in the best scheme', () => {
    expect(
      row({ amd64: 'ENV ARCH=x86_64', arm32v7: 'ENV ARCH=armv7', arm64v8: 'ENV ARCH=aarch64' }),
    ).toBe('ENV ARCH={{arch.alpine}}');
    expect(
      row({
        amd64: 'COPY flanneld-amd64 /',
        arm32v7: 'COPY flanneld-arm /',
        arm64v8: 'COPY flanneld-arm64 /',
      }),
    ).toBe('COPY flanneld-{{arch.arch}} /');
  });
  it('a value no scheme explains: a pin named after what it is assigned to', () => {
    const c = ctx();
    expect(
      row(
        {
          amd64: 'ARG JACKETT=Jackett.Binaries.LinuxAMDx64.tar.gz',
          arm32v7: 'ARG JACKETT=Jackett.Binaries.LinuxARM32.tar.gz',
          arm64v8: 'ARG JACKETT=Jackett.Binaries.LinuxARM64.tar.gz',
        },
        c,
      ),
    ).toBe('ARG JACKETT=Jackett.Binaries.{{pin "jackett"}}.tar.gz');
    expect(c.pins.pins.get('jackett')).toEqual({
      amd64: 'LinuxAMDx64',
      arm32v7: 'LinuxARM32',
      arm64v8: 'LinuxARM64',
    });
  });
  it('a word only some arches add: an inline block, or a pin named after it when shorter', () => {
    expect(
      row({
        amd64: 'RUN ./install.sh',
        arm32v7: 'RUN ./install.sh --no-check',
        arm64v8: 'RUN ./install.sh --no-check',
      }),
    ).toBe('RUN ./install.sh{{pin "no_check"}}');
    // punctuation (a `# ` that comments the line out) reads better as it is
    expect(row({ amd64: 'RUN a', arm32v7: '# RUN a', arm64v8: 'RUN a' })).toBe(
      '{{#arch "arm32v7"}}# {{/arch}}RUN a',
    );
    // a short word: the block is no longer than the pin
    expect(row({ amd64: 'COPY a /', arm32v7: 'COPY a b /', arm64v8: 'COPY a /' })).toBe(
      'COPY a {{#arch "arm32v7"}}b {{/arch}}/',
    );
    const c = ctx();
    expect(
      row(
        { amd64: 'FROM x:1', arm32v7: 'FROM x:1-slim-arm32v7', arm64v8: 'FROM x:1-slim-arm64v8' },
        c,
      ),
    ).toBe('FROM x:1{{pin "slim"}}');
    expect(c.pins.pins.get('slim')).toEqual({
      amd64: '',
      arm32v7: '-slim-arm32v7',
      arm64v8: '-slim-arm64v8',
    });
  });
  it('only whitespace differs (drift): one line, the whitespace a pin named after what it holds', () => {
    const c = ctx();
    expect(row({ amd64: '# add\u00a0files', arm32v7: '# add files' }, c)).toBe(
      '# add{{pin "nbsp"}}files',
    );
    expect(row({ amd64: 'RUN a ', arm32v7: 'RUN a', arm64v8: 'RUN a' }, c)).toBe(
      'RUN a{{pin "space"}}',
    );
    expect(row({ amd64: 'RUN b ', arm32v7: 'RUN b', arm64v8: 'RUN b' }, c)).toBe(
      'RUN b{{pin "space"}}',
    );
    expect(row({ amd64: '\tRUN b', arm32v7: '    RUN b', arm64v8: '    RUN b' }, c)).toBe(
      '{{pin "tab"}}RUN b',
    );
    expect(Object.fromEntries(c.pins.pins)).toEqual({
      nbsp: { amd64: '\u00a0', arm32v7: ' ' },
      space: { amd64: ' ', arm32v7: '', arm64v8: '' }, // one pin for the same values
      tab: { amd64: '\t', arm32v7: '    ', arm64v8: '    ' },
    });
    // a pin holds no line break: a carriage return stays in an inline block
    expect(row({ amd64: 'RUN a\r', arm32v7: 'RUN a' })).toBe('RUN a{{#arch "amd64"}}\r{{/arch}}');
    // with `plain` (adopt's fallback), drift stays whole-line alternatives
    expect(row({ amd64: 'RUN a ', arm32v7: 'RUN a' }, { ...ctx(), plain: true })).toMatchObject({
      kind: 'alts',
      drift: true,
    });
  });
  it('variants that do not make one line: one line per group of those that do', () => {
    const out = row(
      {
        amd64: '    libmariadb-dev --no-install-recommends',
        arm32v6: '        gcc-arm-linux-gnueabi \\',
        arm32v7: '        gcc-arm-linux-gnueabihf \\',
        arm64v8: '        gcc-aarch64-linux-gnu \\',
      },
      { ...ctx(), arches: ['amd64', 'arm32v6', 'arm32v7', 'arm64v8'] },
    );
    expect(out).toMatchObject({ kind: 'alts' });
    const alts = (out as Extract<RowOut, { kind: 'alts' }>).variants;
    expect(alts.map((a) => a.arches)).toEqual([['amd64'], ['arm32v6', 'arm32v7', 'arm64v8']]);
    expect(joinTemplate(alts[1].parts!)).toBe('        gcc-{{arch.qemu}}-linux-{{pin "linux"}} \\');
  });
  it('a `{{` in a line is escaped; a pin name comes from the nearest word', () => {
    expect(row({ amd64: 'RUN echo {{.x}} amd64' })).toBe('RUN echo \\{{.x}} amd64');
    expect(nameFrom('ADD https://example.com/download/docker-ipv6nat.')).toBe('docker_ipv6nat');
    expect(nameFrom('RUN ')).toBe('value');
  });
});
