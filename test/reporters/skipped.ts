// The last line of a test run names what was skipped for want of a tool or data, and how to get it
// (the ` [needs what: how]` suffix of test/helpers/needs.ts).
import type { Reporter, TestModule } from 'vitest/node';

const NEEDS = /\[needs ([^:\]]+): ([^\]]+)\]/;

export default class SkippedSummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped = new Map<string, { how: string; count: number }>();
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const m = NEEDS.exec(test.fullName);
        if (!m || test.result().state !== 'skipped') continue;
        const entry = skipped.get(m[1]) ?? { how: m[2], count: 0 };
        entry.count++;
        skipped.set(m[1], entry);
      }
    }
    if (skipped.size === 0) return;
    const parts = [...skipped].map(([what, { how, count }]) =>
      count === 1 ? `1 test needs ${what} (${how})` : `${count} tests need ${what} (${how})`,
    );
    process.stderr.write(`\nskipped: ${parts.join('; ')}\n`);
  }
}
