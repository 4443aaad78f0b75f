// Step 5: one template's final Dockerfile per arch, from text to text (no file system here).
import path from 'node:path';
import { archByName, isEmulated, type Arch } from '../arches/table.js';
import { applyEdits } from '../dockerfile/edits.js';
import { fail, type Problem } from '../core/errors.js';
import { keptLines, Source } from '../core/source.js';
import { combineDockerfiles, type ArchDockerfile } from './combined.js';
import { combinedHeader, dockerfileHeader } from './header.js';
import { resolveIn } from '../fs/real-paths.js';
import { parseDockerfile, type ParsedDockerfile } from '../dockerfile/parse.js';
import { renderSnippet, renderTemplate, type TemplateSource } from '../template/render.js';
import { transformDockerfile } from '../transform/index.js';
import { pinsFor } from '../config/pins.js';
import type { Config } from '../config/types.js';
import type { LockView } from '../transform/request.js';

export interface EmitOptions {
  noTemplate?: boolean; // the input is a plain Dockerfile: no Handlebars
  outDir?: string; // absolute: outputs go there instead of beside the template
  requested?: Set<string>; // arches named by --arch, to warn when one is excluded
  lock?: LockView; // xdf.lock's digests for the mapped images
  parsed?: (text: string) => void; // told of each text parsed (the run may reclaim memory then)
  combined?: boolean; // also output.combined, when configured (not in a run of some arches)
}

export interface DockerfileOutput {
  template: string; // absolute
  arch: Arch;
  path: string; // absolute
  rendered: string; // the template rendered for the arch, before xdf's edits
  content: string; // the final Dockerfile
  emulated: boolean;
}

/** output.combined: one Dockerfile for every arch of the template that has one. */
export interface CombinedOutput {
  template: string; // absolute
  path: string; // absolute
  arches: Arch[];
  content: string;
}

export interface EmitResult {
  outputs: DockerfileOutput[];
  combined?: CombinedOutput;
  warnings: Problem[];
}

export function emitDockerfiles(
  template: TemplateSource,
  config: Config,
  options: EmitOptions = {},
): EmitResult {
  const host = archByName(config.host);
  const warnings: Problem[] = [];
  const outputs: DockerfileOutput[] = [];
  // most arches render the same text: parse it once
  const parsedByText = new Map<string, ParsedDockerfile>();
  const kept = keptLines(options.noTemplate ? '' : template.text);
  const combining = options.combined && config.output.combined !== undefined;
  const parts: ArchDockerfile[] = []; // each arch's final text without the header
  const notes: string[] = [];

  for (const name of config.arches) {
    const arch = archByName(name);
    const emulated = isEmulated(arch, host, config.native);
    const rendered = options.noTemplate
      ? template.text
      : renderTemplate(template, {
          arch,
          host,
          emulated,
          native: !!config.native[arch.name],
          pins: pinsFor(config, arch),
          vars: config.vars,
          outputLimit: 2 * config.limits.input_bytes,
        });
    let parsed = parsedByText.get(rendered);
    if (!parsed) {
      parsedByText.set(rendered, (parsed = parseDockerfile(rendered)));
      options.parsed?.(rendered);
    }
    if (parsed.stages.length === 0) {
      const empty = rendered.trim() === '';
      fail(
        'XDF031',
        empty
          ? `the Dockerfile for ${arch.name} is empty`
          : `the Dockerfile for ${arch.name} has no FROM`,
        'a Dockerfile starts its first stage with FROM <image>; check the template (and its ' +
          '{{#if}} blocks)',
        { file: template.file, ...(empty ? {} : { line: 1, column: 1 }) },
      );
    }
    const origin = { keptLines: kept, rendered: `the rendered output for ${arch.name}` };
    const renderedSource = new Source(template.file, rendered, origin);
    const place = (line: number, column: number) => renderedSource.place(line, column);
    const result = transformDockerfile({ parsed, arch, host, config, place, lock: options.lock });
    for (const warning of result.warnings) warnings.push(warning); // may be one per stage
    if (result.excludedBy) {
      if (options.requested?.has(arch.name)) {
        warnings.push({
          code: 'XDFW007',
          message:
            `${arch.name} is excluded by images.${result.excludedBy}.exclude: no ` +
            `Dockerfile for it`,
          hint: `drop ${arch.name} from --arch, or from the exclude list in xdf.yaml`,
          file: config.file,
        });
      }
      continue;
    }
    const file = outputPath(template.file, arch, config, options.outDir);
    const edits = result.edits;
    if (combining) {
      parts.push({ arch, text: applyEdits(rendered, edits), place });
      notes.push(...result.notes);
    }
    if (config.output.header)
      edits.push(headerEdit(parsed, headerLines(template.file, file, arch, result.notes)));
    outputs.push({
      template: template.file,
      arch,
      path: file,
      rendered,
      content: applyEdits(rendered, edits),
      emulated,
    });
  }
  if (parts.length === 0) return { outputs, warnings };
  const file = combinedPath(template.file, config, options.outDir);
  const arches = parts.map((p) => p.arch);
  const header = config.output.header
    ? [combinedHeader(template.file, file, arches), ...notes]
    : [];
  const content = combineDockerfiles(template.file, parts, header);
  return { outputs, combined: { template: template.file, path: file, arches, content }, warnings };
}

/** Where output.combined goes: relative to the template (or --out), `{{template}}` rendered. */
export function combinedPath(templateFile: string, config: Config, outDir?: string): string {
  const base = path.basename(templateFile).replace(/\.[^.]*$/, '');
  const at = { key: 'output.combined', file: config.file, ...config.locate('output.combined') };
  const name = renderSnippet(config.output.combined!, { template: base }, at);
  return resolveIn(outDir ?? path.dirname(templateFile), name);
}

export function outputPath(
  templateFile: string,
  arch: Arch,
  config: Config,
  outDir?: string,
): string {
  const base = path.basename(templateFile).replace(/\.[^.]*$/, '');
  let names = outputNames.get(config);
  if (!names) outputNames.set(config, (names = new Map()));
  const key = `${arch.name}/${base}`;
  let name = names.get(key);
  if (name === undefined) {
    // output.names names some arches' outputs outright; output.name is the pattern of the others.
    const own = config.output.names?.[arch.name];
    const where = own === undefined ? 'output.name' : `output.names.${arch.name}`;
    const at = {
      key: where,
      file: config.file,
      ...(config.locate(where) ?? config.locate('output.names')),
    };
    const pattern = own ?? config.output.name;
    names.set(key, (name = renderSnippet(pattern, { arch, template: base }, at)));
    // Names are data: a file name with a line break would forge lines wherever it is shown.
    if (/\p{Cc}/u.test(name))
      fail(
        'XDF013',
        `${where} renders ${JSON.stringify(name)} for ${arch.name}: a file name with a control ` +
          'character or line break',
        'name outputs with printable characters only',
        at,
      );
  }
  return resolveIn(outDir ?? path.dirname(templateFile), name);
}
// output.name depends only on the arch and the template's name: rendered once per run for each
// (a monorepo's outputs and orphans ask nine times per template). Gone with the run's config.
const outputNames = new WeakMap<Config, Map<string, string>>();

function headerLines(
  templateFile: string,
  outputFile: string,
  arch: Arch,
  notes: string[],
): string[] {
  return [dockerfileHeader(templateFile, outputFile, arch), ...notes];
}

/** A Dockerfile with header lines placed where emit places them (what an adopted original becomes).
 * */
export function withHeader(text: string, lines: string[]): string {
  return applyEdits(text, [headerEdit(parseDockerfile(text), lines)]);
}

/** The header goes right after the parser directives, in the file's own line ending. */
function headerEdit(parsed: ParsedDockerfile, lines: string[]) {
  const block = lines.join(parsed.eol);
  const text = parsed.directivesEndWithoutEol ? `${parsed.eol}${block}` : `${block}${parsed.eol}`;
  return { start: parsed.headerAt, end: parsed.headerAt, text };
}
