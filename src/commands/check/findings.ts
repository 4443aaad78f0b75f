// `xdf check`: what a run would change, as unified diffs, from what the plan read. Never writes.
import path from 'node:path';
import { unifiedDiff } from '../../core/unified-diff.js';
import { sameBytes, wrongMode, type DiskEntry } from '../../fs/disk.js';
import type { DiskPlan } from '../../plan/changes.js';
import { escapeControls } from '../../core/errors.js';

export type Staleness = 'missing' | 'stale' | 'orphaned';
export interface CheckFinding {
  path: string;
  status: Staleness;
  diff: string;
}

const octal = (mode: number) => mode.toString(8).padStart(3, '0');

export async function checkPlan(plan: DiskPlan, cwd: string): Promise<CheckFinding[]> {
  const { write, remove, entries } = plan.changes;
  if (write.length === 0 && remove.length === 0) return [];
  const show = (p: string) => escapeControls(path.relative(cwd, p) || p);
  const findings: CheckFinding[] = [];
  const textOf = (entry: DiskEntry | undefined) =>
    entry?.kind === 'file' ? entry.bytes.toString('utf8') : '';
  for (const file of write) {
    const entry = entries.get(file.path) ?? { kind: 'missing' as const };
    const name = show(file.path);
    const status = entry.kind === 'missing' ? 'missing' : 'stale';
    const onDisk =
      entry.kind === 'file'
        ? 'on disk'
        : entry.kind === 'missing'
          ? 'missing'
          : `on disk: a ${entry.kind}`;
    const mode = entry.kind === 'file' ? wrongMode(entry, file) : undefined;
    const sameBytesOnly = entry.kind === 'file' && sameBytes(entry.bytes, file.content);
    findings.push({
      path: file.path,
      status,
      diff:
        (sameBytesOnly
          ? ''
          : unifiedDiff(
              textOf(entry),
              String(file.content),
              `${name} (${onDisk})`,
              `${name} (expected)`,
            )) +
        (mode ? `${name}: mode ${octal(mode.actual)}, expected ${octal(mode.expected)}\n` : ''),
    });
  }
  for (const orphan of remove) {
    const name = show(orphan);
    findings.push({
      path: orphan,
      status: 'orphaned',
      diff: unifiedDiff(
        textOf(entries.get(orphan)),
        '',
        `${name} (on disk)`,
        `${name} (orphaned: no longer generated)`,
      ),
    });
  }
  return findings;
}
