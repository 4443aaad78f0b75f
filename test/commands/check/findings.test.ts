import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../../src/commands/check/findings.js';
import { OutputFolders, type DiskEntry } from '../../../src/fs/disk.js';
import type { DiskPlan } from '../../../src/plan/changes.js';

const file = (text: string): DiskEntry => ({ kind: 'file', bytes: Buffer.from(text) });
const out = (p: string, content: string) => ({
  path: p,
  content,
  producer: { kind: 'dockerfile' as const, template: '/p/Dockerfile.tpl', arch: 'arm64v8' },
});

function plan(
  write: ReturnType<typeof out>[],
  remove: string[],
  entries: [string, DiskEntry][],
): DiskPlan {
  return {
    files: write,
    dockerfiles: [],
    configs: [],
    warnings: [],
    changes: { entries: new Map(entries), write, unchanged: [], remove, warnings: [] },
    folders: new OutputFolders(),
  };
}

describe('checkPlan', () => {
  it('nothing to write or delete: no finding', async () => {
    expect(await checkPlan(plan([], [], []), '/p')).toEqual([]);
  });
  it('a missing, a stale and an orphaned output, each with a unified diff labelled as the README shows', async () => {
    const findings = await checkPlan(
      plan(
        [out('/p/Dockerfile.amd64', 'FROM a\n'), out('/p/Dockerfile.arm64v8', 'FROM b\nRUN new\n')],
        ['/p/Dockerfile.s390x'],
        [
          ['/p/Dockerfile.arm64v8', file('FROM b\nRUN old\n')],
          ['/p/Dockerfile.s390x', file('FROM c\n')],
        ],
      ),
      '/p',
    );
    expect(findings.map((f) => [f.path, f.status])).toEqual([
      ['/p/Dockerfile.amd64', 'missing'],
      ['/p/Dockerfile.arm64v8', 'stale'],
      ['/p/Dockerfile.s390x', 'orphaned'],
    ]);
    expect(findings[0].diff).toBe(
      '--- Dockerfile.amd64 (missing)\n+++ Dockerfile.amd64 (expected)\n@@ -0,0 +1,1 @@\n+FROM a\n',
    );
    expect(findings[1].diff).toBe(
      '--- Dockerfile.arm64v8 (on disk)\n+++ Dockerfile.arm64v8 (expected)\n@@ -1,2 +1,2 @@\n FROM b\n-RUN old\n+RUN new\n',
    );
    expect(findings[2].diff).toContain(
      '+++ Dockerfile.s390x (orphaned: no longer generated)\n@@ -1,1 +0,0 @@\n-FROM c\n',
    );
  });
  it('a symlink where an output goes is stale, and says so', async () => {
    const [finding] = await checkPlan(
      plan([out('/p/D', 'FROM a\n')], [], [['/p/D', { kind: 'symlink' }]]),
      '/p',
    );
    expect(finding.status).toBe('stale');
    expect(finding.diff.split('\n')[0]).toBe('--- D (on disk: a symlink)');
  });
});
