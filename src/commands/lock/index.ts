import path from 'node:path';
import type { Config } from '../../config/types.js';
import { fail, XdfError, type Problem } from '../../core/errors.js';
import { relative, problemJson, printWarnings, shown, type CommonFlags, type Io } from '../io.js';
import { formatLockFile, LOCK_FILE, type LockEntry } from '../../lock/file.js';
import {
  collectImages,
  resolveLock,
  type ImageUse,
  type LockOutcome,
  type Mode,
} from '../../lock/resolve.js';
import { RegistryClient } from '../../registry/client.js';
import { findCredentials } from '../../registry/credentials.js';
import { writeFiles } from '../../fs/write.js';
import { readLockEntries } from '../../plan/inputs.js';
import { planRun } from '../../plan/run.js';
import { runOptions, strictWarnings } from '../options.js';

export interface LockFlags extends CommonFlags {
  update?: boolean;
  check?: boolean;
  timeout?: string;
}

export async function lock(io: Io, templates: string[], flags: LockFlags): Promise<number> {
  if (flags.update && flags.check)
    fail(
      'XDF002',
      '--update and --check exclude each other',
      'use --check in CI to see what moved, --update to follow it',
    );
  const timeout = Number(flags.timeout ?? 15);
  if (!(timeout > 0 && timeout <= 600))
    fail(
      'XDF002',
      `--timeout ${flags.timeout} is not a number of seconds from 0 to 600`,
      'e.g. --timeout 30',
    );
  const mode: Mode = flags.check ? 'check' : flags.update ? 'update' : 'lock';

  // Every template for every arch, as generate computes it, recording the images, not pinning.
  const usesByLock = new Map<string, { config: Config; uses: ImageUse[] }>();
  const collected: Problem[] = [];
  const plan = await planRun({
    ...runOptions(io, templates, flags),
    lock: (config) => {
      const file = path.join(config.dir, LOCK_FILE);
      if (!usesByLock.has(file)) usesByLock.set(file, { config, uses: [] });
      return collectImages(usesByLock.get(file)!.uses, collected);
    },
  });
  collected.forEach((w) => plan.warnings.push(w));
  strictWarnings(plan, flags);
  // An arch that an image excludes has no output: its images are not needed.
  const produced = new Set(plan.dockerfiles.map((o) => `${o.template} ${o.arch.platform}`));
  for (const { uses } of usesByLock.values())
    uses.splice(0, uses.length, ...uses.filter((u) => produced.has(`${u.at.file} ${u.platform}`)));
  // Each existing xdf.lock through the one reader (a regular file of the project, bounded, checked
  // entry by entry), all of them before the first request.
  const existingByLock = new Map(
    [...usesByLock].map(([file, { config }]) => [
      file,
      readLockEntries(config) ?? new Map<string, LockEntry>(),
    ]),
  );

  const env = io.env ?? {};
  const insecure = new Set(
    plan.configs.flatMap((c) =>
      Object.entries(c.registries)
        .filter(([, r]) => r.insecure)
        .map(([host]) => host),
    ),
  );
  const client = new RegistryClient({
    timeoutMs: timeout * 1000,
    env,
    insecure: (domain) => insecure.has(domain),
    credentials: (domain) => findCredentials(domain, { env }),
  });
  const progress =
    io.isTTY && !flags.json && !flags.quiet
      ? (done: number, total: number) => io.stderr(`\rxdf lock: ${done}/${total} images`)
      : undefined;
  let outcomes: [string, LockOutcome][];
  try {
    outcomes = await Promise.all(
      [...usesByLock].map(async ([file, { uses }]) => {
        const existing = existingByLock.get(file)!;
        // --arch resolves some arches only: the other arches' entries stay.
        const kept =
          flags.arch && mode !== 'check'
            ? [...existing.values()].filter((e) => !uses.some((u) => u.platform === e.platform))
            : [];
        const outcome = await resolveLock(uses, existing, mode, client, progress);
        outcome.entries.push(...kept);
        return [file, outcome] as [string, LockOutcome];
      }),
    );
  } finally {
    if (progress) io.stderr('\r\x1b[K');
    await client.close();
  }
  const problems = outcomes.flatMap(([, o]) => o.problems);
  if (problems.length) throw new XdfError(problems); // nothing written: xdf.lock stays as it was

  const show = relative(io);
  const asked = outcomes.reduce((n, [, o]) => n + o.asked, 0);
  const entries = outcomes.reduce((n, [, o]) => n + o.entries.length, 0);
  if (mode === 'check') return reportCheck(io, flags, outcomes, plan.warnings);
  const result = writeFiles(
    outcomes.map(([file, o]) => ({ path: file, content: formatLockFile(o.entries) })),
    [],
    relative(io),
  );
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({
        wrote: result.wrote.map(show),
        images: outcomes.flatMap(([file, o]) =>
          sorted(o.entries).map((e) => ({ lock: show(file), ...e })),
        ),
        warnings: plan.warnings.map(problemJson(io)),
      })}\n`,
    );
    return 0;
  }
  printWarnings(io, plan.warnings, flags);
  if (flags.quiet) return 0;
  for (const file of result.wrote) io.stdout(`wrote ${shown(io)(file)}\n`);
  io.stderr(
    `xdf lock: ${entries} image${entries === 1 ? '' : 's'} locked, ` +
      `${asked} asked of their registr${asked === 1 ? 'y' : 'ies'}\n`,
  );
  return 0;
}

function reportCheck(
  io: Io,
  flags: LockFlags,
  outcomes: [string, LockOutcome][],
  warnings: Problem[],
): number {
  const changes = outcomes.flatMap(([, o]) => o.changes);
  if (flags.json) {
    const report = { ok: !changes.length, changes, warnings: warnings.map(problemJson(io)) };
    io.stdout(`${JSON.stringify(report)}\n`);
    return changes.length ? 1 : 0;
  }
  printWarnings(io, warnings, flags);
  for (const c of changes) {
    const what = c.status === 'moved' ? `${c.locked} -> ${c.current}` : (c.reason ?? '');
    io.stdout(`${c.status} ${c.ref} ${c.platform}: ${what}\n`);
  }
  if (changes.length) {
    io.stderr(
      `xdf lock --check: ${changes.length} image${changes.length === 1 ? '' : 's'} ` +
        'moved, vanished or missing\n' +
        'hint: run xdf lock --update, review the new digests and commit xdf.lock\n',
    );
    return 1;
  }
  const total = outcomes.reduce((n, [, o]) => n + o.entries.length, 0);
  if (!flags.quiet)
    io.stderr(`xdf lock --check: ${total} image${total === 1 ? '' : 's'} as locked\n`);
  return 0;
}

const sorted = (entries: LockEntry[]) =>
  [...entries].sort((a, b) => (a.ref + a.platform < b.ref + b.platform ? -1 : 1));
