import { ARCHES, ARCH_FIELDS } from '../../arches/table.js';
import type { Io } from '../io.js';

export async function arches(io: Io, flags: { json?: boolean }): Promise<number> {
  if (flags.json) {
    io.stdout(`${JSON.stringify(ARCHES, null, 2)}\n`);
    return 0;
  }
  const rows = [
    ARCH_FIELDS as readonly string[],
    ...ARCHES.map((a) => ARCH_FIELDS.map((f) => a[f] || '-')),
  ];
  const widths = ARCH_FIELDS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows)
    io.stdout(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd()}\n`,
    );
  return 0;
}
