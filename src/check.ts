// `xdf check`: what a run would change, shown as unified diffs. Never writes.
import path from 'node:path';
import type { DiskPlan } from './plan.js';
import { readEntry } from './load.js';

export type Staleness = 'missing' | 'stale' | 'orphaned';
export interface CheckFinding { path: string; status: Staleness; diff: string }

export async function checkPlan(plan: DiskPlan, cwd: string): Promise<CheckFinding[]> {
  const { write, remove } = plan.changes;
  if (write.length === 0 && remove.length === 0) return [];
  const { createTwoFilesPatch } = await import('diff'); // loaded only when there is a diff to show
  const show = (p: string) => path.relative(cwd, p) || p;
  const unified = (name: string, before: string, after: string, oldLabel: string, newLabel: string) =>
    createTwoFilesPatch(`${name} (${oldLabel})`, `${name} (${newLabel})`, before, after, undefined, undefined, { context: 3 })
      .split('\n').slice(1).join('\n'); // the first line is a ==== separator
  const findings: CheckFinding[] = [];
  for (const file of write) {
    const entry = readEntry(file.path);
    const expected = String(file.content);
    findings.push(entry.kind === 'file'
      ? { path: file.path, status: 'stale', diff: unified(show(file.path), entry.bytes.toString('utf8'), expected, 'on disk', 'expected') }
      : { path: file.path, status: entry.kind === 'missing' ? 'missing' : 'stale', diff: unified(show(file.path), '', expected, entry.kind === 'missing' ? 'missing' : `on disk: a ${entry.kind}`, 'expected') });
  }
  for (const orphan of remove) {
    const entry = readEntry(orphan);
    const before = entry.kind === 'file' ? entry.bytes.toString('utf8') : '';
    findings.push({ path: orphan, status: 'orphaned', diff: unified(show(orphan), before, '', 'on disk', 'orphaned: no longer generated') });
  }
  return findings;
}
