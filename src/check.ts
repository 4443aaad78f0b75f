// `xdf check`: compare what a run would write with what is on disk. Never writes.
import fs from 'node:fs';
import path from 'node:path';
import type { Plan } from './plan.js';
import { isUpToDate } from './write.js';

export type Staleness = 'missing' | 'stale' | 'orphaned';
export interface CheckFinding { path: string; status: Staleness; diff: string }

export async function checkPlan(plan: Plan, cwd: string): Promise<CheckFinding[]> {
  const findings: CheckFinding[] = [];
  const stale = plan.files.filter((f) => !isUpToDate(f));
  if (stale.length === 0 && plan.orphans.length === 0) return findings;
  const { structuredPatch } = await import('diff'); // loaded only when there is a diff to show
  const show = (p: string) => path.relative(cwd, p) || p;
  const unified = (name: string, before: string, after: string, oldLabel: string, newLabel: string) => {
    const patch = structuredPatch(name, name, before, after, '', '', { context: 3 });
    const lines = [`--- ${name} (${oldLabel})`, `+++ ${name} (${newLabel})`];
    for (const h of patch.hunks) lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
    return `${lines.join('\n')}\n`;
  };
  for (const file of stale) {
    const name = show(file.path);
    const current = readOrUndefined(file.path);
    findings.push(current === undefined
      ? { path: file.path, status: 'missing', diff: unified(name, '', String(file.content), 'missing', 'expected') }
      : { path: file.path, status: 'stale', diff: unified(name, current, String(file.content), 'on disk', 'expected') });
  }
  for (const orphan of plan.orphans) {
    const name = show(orphan);
    findings.push({ path: orphan, status: 'orphaned', diff: unified(name, readOrUndefined(orphan) ?? '', '', 'on disk', 'orphaned: no longer generated') });
  }
  return findings;
}

function readOrUndefined(file: string): string | undefined {
  try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
}
