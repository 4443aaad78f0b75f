// `xdf check`: what a run would change, as unified diffs, from what the plan read. Never writes.
import path from 'node:path';
import { unifiedDiff } from '../../core/unified-diff.js';
import { holds, wrongMode, type DiskEntry } from '../../fs/disk.js';
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
  // A file too large to be the output is not shown: its head would be a diff of no use.
  const textOf = (entry: DiskEntry | undefined) =>
    entry?.kind === 'file' && !entry.truncated ? entry.bytes.toString('utf8') : '';
  const onDiskOf = (entry: DiskEntry) =>
    entry.kind === 'file'
      ? entry.truncated
        ? `on disk: ${entry.truncated} bytes, not shown`
        : 'on disk'
      : entry.kind === 'missing'
        ? 'missing'
        : `on disk: a ${entry.kind}`;
  for (const file of write) {
    const entry = entries.get(file.path) ?? { kind: 'missing' as const };
    const name = show(file.path);
    const status = entry.kind === 'missing' ? 'missing' : 'stale';
    const onDisk = onDiskOf(entry);
    const mode = entry.kind === 'file' ? wrongMode(entry, file) : undefined;
    const sameBytesOnly = holds(entry, file.content);
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
        `${name} (${onDiskOf(entries.get(orphan) ?? { kind: 'missing' })})`,
        `${name} (orphaned: no longer generated)`,
      ),
    });
  }
  return findings;
}
