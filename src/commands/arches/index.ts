import { ARCHES, ARCH_FIELDS, DOWNLOAD_FIELDS, type Arch } from '../../arches/table.js';
import type { Io } from '../io.js';

// The naming schemes first; the download vocabularies after, in tables narrow enough for a
// terminal (Rust's triples alone fill one).
const TABLES: (readonly (keyof Arch)[])[] = [
  ARCH_FIELDS,
  ['name', 'godist', 'node', 'tini', 'dockerstatic', 's6', 's6v2', 'ha', 'balena'],
  ['name', 'dotnet', 'dotnetmusl'],
  ['name', 'rust', 'rustmusl'],
];

// Measured by the e2e suite (test/e2e/emulation.e2e.test.ts): a name is what the arch's own kernel
// says, not what an emulated container says.
const UNAME_NOTE =
  "uname is the arch's own `uname -m`: under QEMU on an x86-64 host an i386 container says " +
  "x86_64 and\narm32v5 or arm32v6 says armv7l (QEMU's default CPU): build no logic on it.\n";

export async function arches(io: Io, flags: { json?: boolean }): Promise<number> {
  if (flags.json) {
    io.stdout(`${JSON.stringify(ARCHES, null, 2)}\n`);
    return 0;
  }
  const shown = new Set(TABLES.flat());
  for (const field of DOWNLOAD_FIELDS)
    if (!shown.has(field)) throw new Error(`xdf arches shows no column ${field}`);
  const [names, ...downloads] = TABLES.map(table);
  io.stdout([`${names}${UNAME_NOTE}`, ...downloads].join('\n'));
  return 0;
}

function table(fields: readonly (keyof Arch)[]): string {
  const rows = [fields as readonly string[], ...ARCHES.map((a) => fields.map((f) => a[f] || '-'))];
  const widths = fields.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
