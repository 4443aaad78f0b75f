// A run in data-flow order: read the inputs (inputs.ts), then compute every output in memory
// (emit, matrix). What that would change on disk is changes.ts's. Nothing here writes.
import path from 'node:path';
import { resolveArch } from '../arches/table.js';
import { collectGarbage, LARGE_TEXT } from '../core/memory.js';
import { shownWarnings, Warnings } from '../core/errors.js';
import {
  emitDockerfiles,
  type CombinedOutput,
  type DockerfileOutput,
} from '../emit/dockerfiles.js';
import { LOCK_FILE } from '../lock/file.js';
import { buildMatrix, combinedArgWarnings, sameTagWarnings } from '../matrix/build.js';
import { outputTemplates, renderMatrixFiles } from '../matrix/formats.js';
import {
  groupByConfig,
  readConfig,
  readLockFile,
  readOwnTemplate,
  readTemplates,
  templateFiles,
} from './inputs.js';
import { assertOwnable } from './matrix-files.js';
import type { PlannedFile } from './ownership.js';
import { newReads, type Group, type Plan, type RunOptions, type RunReads } from './types.js';

export type { Group, Plan, PlannedFile, RunOptions, RunReads } from './types.js';
export { newReads } from './types.js';

/** Every output of the run, in memory (render, diff and lock stop here: they write nothing). */
export async function planRun(
  options: RunOptions,
  reads: RunReads = newReads(),
): Promise<Plan & { groups: Group[] }> {
  const warnings = new Warnings();
  const requested = options.arches
    ? new Set(options.arches.map((a) => resolveArch(a)?.arch.name ?? a))
    : undefined;
  const outDir = options.out ? path.resolve(options.cwd, options.out) : undefined;
  const plan: Plan & { groups: Group[] } = {
    files: [],
    dockerfiles: [],
    configs: [],
    warnings: [],
    groups: [],
  };
  for (const lookup of groupByConfig(options)) {
    const overrides = { arches: options.arches, host: options.host, out: outDir };
    const config = readConfig(lookup, overrides, warnings);
    if (options.noHeader) config.output = { ...config.output, header: false };
    plan.configs.push(config);
    const files = templateFiles(lookup, config, options.cwd);
    const templates = readTemplates(lookup, files, config, reads, !!options.noTemplate);
    const lock = options.lock ? options.lock(config) : readLockFile(config);
    const outputs: DockerfileOutput[] = [];
    const combined: CombinedOutput[] = [];
    for (const template of templates) {
      const result = emitDockerfiles(template, config, {
        noTemplate: options.noTemplate,
        outDir,
        requested,
        lock,
        parsed: (text) => {
          if (text.length >= LARGE_TEXT) collectGarbage();
        },
        combined: !options.arches, // it covers every arch: a run of some leaves it alone
      });
      result.warnings.forEach((w) => warnings.add(w));
      for (const output of result.outputs) outputs.push(output);
      if (result.combined) combined.push(result.combined);
    }
    for (const output of outputs) {
      // one by one, not push(...): a monorepo's outputs would overflow the stack as arguments
      plan.dockerfiles.push(output);
      plan.files.push(dockerfileFile(output));
    }
    for (const c of combined) {
      plan.files.push({
        path: c.path,
        content: c.content,
        producer: { kind: 'combined', template: c.template },
      });
    }
    // One combined matrix per config: only from a run that covers all of its templates and arches.
    // With no list, the config governs what a run with no template names: Dockerfile.tpl here.
    const governed = new Set(
      config.templates.length ? config.templates : [path.join(options.cwd, 'Dockerfile.tpl')],
    );
    const running = new Set(files);
    const complete = !options.arches && [...governed].every((t) => running.has(t));
    // A run of a template the config does not list would never make the matrix: say so.
    if (config.matrix && !options.arches && !config.templates.length && !complete)
      warnings.add({
        code: 'XDFW011',
        message:
          `the matrix leaves ${files.length === 1 ? 'this template' : 'these templates'} out: ` +
          `${config.file ? 'xdf.yaml' : 'the config'} lists no templates:, so its matrix ` +
          'covers only Dockerfile.tpl of the current folder',
        hint: `list the templates under templates: in xdf.yaml (${files
          .map((f) => path.relative(config.dir, f).split(path.sep).join('/'))
          .join(', ')})`,
        file: config.file,
        ...config.locate('matrix'),
      });
    if (config.matrix && complete) {
      // With --out, the matrix files go to DIR too, and name every path from there.
      const base = outDir ?? config.dir;
      const matrix = buildMatrix(
        config,
        outputs.map((o) => ({
          template: o.template,
          arch: o.arch,
          dockerfile: o.path,
          emulated: o.emulated,
        })),
        base,
        combined.map((c) => ({ template: c.template, dockerfile: c.path })),
      );
      sameTagWarnings(matrix, config).forEach((w) => warnings.add(w));
      combinedArgWarnings(matrix, config).forEach((w) => warnings.add(w));
      const own = outputTemplates(config).filter((t) => t.own !== undefined);
      const texts = new Map(own.map((t) => [t.file, readOwnTemplate(t.own!, t.format, config)]));
      const lockFile = path.join(config.dir, LOCK_FILE);
      const inputs = [
        ...templates.flatMap((t) => [...(t.partials?.values() ?? [])].map((p) => p.file)),
        ...(lock ? [lockFile] : []),
      ];
      const sorted = [...new Set(inputs)].sort();
      const ownFiles = new Set(own.map((t) => t.file));
      for (const f of renderMatrixFiles(matrix, config, texts, sorted, base)) {
        if (ownFiles.has(path.basename(f.path))) assertOwnable(f, config);
        plan.files.push({
          ...f,
          producer: {
            kind: 'matrix',
            format: f.format,
            config: config.dir,
            configFile: config.file,
          },
        });
      }
    }
    plan.groups.push({ config, templates, outputs, combined, complete, governed });
  }
  // Dockerfiles first, then matrix files: the order of `wrote` lines.
  plan.files.sort(
    (a, b) => Number(a.producer.kind === 'matrix') - Number(b.producer.kind === 'matrix'),
  );
  plan.warnings = shownWarnings(warnings.list, plan.configs);
  return plan;
}

const dockerfileFile = (o: DockerfileOutput): PlannedFile => ({
  path: o.path,
  content: o.content,
  producer: { kind: 'dockerfile', template: o.template, arch: o.arch.name },
});
