// The proof before any write: the config as adopt will write it (parsed from that very YAML text)
// and the template through the real pipeline, every arch rendered, each output compared with its
// original plus xdf's header and nothing else.
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { unifiedDiff } from '../core/unified-diff.js';
import { Warnings, XdfError, type Problem } from '../core/errors.js';
import { emitDockerfiles, withHeader } from '../emit/dockerfiles.js';
import { dockerfileHeader } from '../emit/header.js';
import { archByName } from '../arches/table.js';

export interface Original {
  path: string; // absolute
  arch: string;
  text: string; // what the output must be, header aside
}

export interface Verified {
  outputs: { path: string; arch: string; content: string }[];
  mismatches: { path: string; diff: string }[];
  warnings: Problem[];
  error?: XdfError; // the template or config did not even render
}

export function verifyAdoption(
  template: { file: string; text: string },
  config: { file: string; text: string },
  originals: Original[],
  show: (file: string) => string,
): Verified {
  const warnings = new Warnings();
  let outputs;
  try {
    const loaded = loadConfig({
      source: config,
      templateDir: path.dirname(template.file),
      warnings,
    });
    const emitted = emitDockerfiles(template, loaded);
    emitted.warnings.forEach((w) => warnings.add(w));
    outputs = emitted.outputs.map((o) => ({ path: o.path, arch: o.arch.name, content: o.content }));
  } catch (e) {
    if (!(e instanceof XdfError)) throw e;
    return { outputs: [], mismatches: [], warnings: warnings.list, error: e };
  }
  const mismatches: Verified['mismatches'] = [];
  for (const original of originals) {
    const output = outputs.find((o) => o.path === original.path);
    const header = dockerfileHeader(template.file, original.path, archByName(original.arch));
    const expected = withHeader(original.text, [header]);
    const actual = output?.content ?? '';
    if (!output || output.arch !== original.arch || actual !== expected)
      mismatches.push({
        path: original.path,
        diff: unifiedDiff(
          expected,
          actual,
          `${show(original.path)} (original, with the header)`,
          `${show(original.path)} ` +
            (output ? `(from the template for ${output.arch})` : '(not generated)'),
        ),
      });
  }
  return { outputs, mismatches, warnings: warnings.list };
}
