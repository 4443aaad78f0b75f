// Once before every e2e file: make this host able to build foreign-arch images (Docker, QEMU,
// binfmt_misc, local base images). In CI a host that cannot be set up fails the run; elsewhere
// the suite is skipped with the reason.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eProblem: string;
  }
}

export default function setup(project: TestProject): void {
  let problem = '';
  for (const script of ['setup-host.sh', 'make-base-images.sh']) {
    const r = spawnSync('bash', [path.join(__dirname, script)], {
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    if (r.status !== 0) {
      problem = `${script} failed: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`;
      break;
    }
  }
  if (problem && process.env.CI) throw new Error(`the e2e host cannot be set up: ${problem}`);
  if (problem) console.warn(`skipping the e2e suite: ${problem}`);
  project.provide('e2eProblem', problem);
}
