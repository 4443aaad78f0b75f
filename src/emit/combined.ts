// output.combined: the final Dockerfiles of one template's arches as ONE Dockerfile that builds any
// of their platforms (`docker buildx build --platform a,b,c`, `podman build --platform a,b,c`).
// Every arch's stages keep their text, renamed with the arch as a suffix (`build-arm64v8`); the
// ARGs before the first FROM whose defaults differ per arch are renamed per arch (`BASE_arm64v8`);
// the last stage of each arch is named for the platform (`final-arm64`), and a last stage picks it
// by TARGETARCH and TARGETVARIANT. Pure: texts in, text out.
import type { Arch } from '../arches/table.js';
import { fail, type Place } from '../core/errors.js';
import { applyEdits, replaceSpan, type Edit } from '../dockerfile/edits.js';
import { parseDockerfile, type ParsedDockerfile } from '../dockerfile/parse.js';
import {
  argNames,
  expandDefaults,
  firstStageAt,
  importEdits,
  preamble,
  renameVariables,
  type ArgNames,
} from './combined-args.js';

export interface ArchDockerfile {
  arch: Arch;
  text: string; // the arch's final Dockerfile, without xdf's header lines
  place: (line: number, column: number) => Place; // a line of the text's parser directives
}

// The value keeps its trailing blanks here: a lazy `(.*?)[ \t]*$` tries every split of a long run
// of blanks (minutes for a directive line of 200,000 spaces); they are cut by withoutBlanks.
const DIRECTIVE_PARTS = /^[ \t]*#[ \t]*([A-Za-z]+)[ \t]*=[ \t]*(.*)$/;
const SELECT = 'FROM final-${TARGETARCH}${TARGETVARIANT}';

/** The combined Dockerfile of `files` (in arch order), `header` lines after its directives. */
export function combineDockerfiles(
  template: string,
  files: ArchDockerfile[],
  header: string[],
): string {
  const parsed = files.map((f) => parseDockerfile(f.text));
  checkDirectives(files, parsed);
  const first = parsed[0];
  const eol = first.eol;
  const names = stageNames(files, parsed);
  const args = argNames(
    files.map((f) => f.arch),
    parsed,
  );
  const out = [first.text.slice(0, first.headerAt), first.directivesEndWithoutEol ? eol : ''];
  for (const line of header) out.push(line, eol);
  out.push(`ARG TARGETARCH${eol}ARG TARGETVARIANT${eol}`, preamble(parsed, args));
  // one blank line before each part: the template's own may end with one already
  const part = (...lines: string[]) => {
    if (!/(\r?\n|\r)[ \t]*(\r?\n|\r)$/.test(out.slice(-4).join(''))) out.push(eol);
    for (const line of lines) out.push(line, eol);
  };
  files.forEach((file, i) => {
    const stages = stagesText(template, file.arch, parsed[i], names.stages[i], args[i]);
    part(`# ${file.arch.name} (${file.arch.platform})`);
    out.push(stages, /[\r\n]$/.test(stages) ? '' : eol);
  });
  part(
    '# The last stage of the platform being built (TARGETARCH and TARGETVARIANT)',
    ...names.aliases.map(([alias, stage]) => `FROM ${stage} AS ${alias}`),
    SELECT.replace('final', names.prefix),
  );
  return out.join('');
}

/** A text without the spaces and tabs at its end. */
function withoutBlanks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(0, end);
}

/** Parser directives apply to the whole file: every arch must start with the same ones. */
function checkDirectives(files: ArchDockerfile[], parsed: ParsedDockerfile[]): void {
  const directives = (p: ParsedDockerfile) =>
    p.text
      .slice(0, p.headerAt)
      .replace(/^\uFEFF/, '')
      .split(/\r\n|\n|\r/)
      .filter(Boolean)
      .map((line) => {
        const m = DIRECTIVE_PARTS.exec(line)!;
        return `# ${m[1].toLowerCase()}=${withoutBlanks(m[2])}`;
      });
  const want = directives(parsed[0]);
  for (let i = 1; i < files.length; i++) {
    const [a, b] = [files[0].arch.name, files[i].arch.name];
    const hint =
      'parser directives (# syntax=, # escape=, # check=) apply to the whole combined file: ' +
      'write the same ones for every arch (outside {{#arch}} and {{#if}} blocks)';
    if (parsed[i].escape !== parsed[0].escape) {
      fail(
        'XDF032',
        `output.combined: the ${a} Dockerfile escapes with ${parsed[0].escape} and the ${b} ` +
          `one with ${parsed[i].escape}: one file has one escape character`,
        hint,
        files[i].place(1, 1),
      );
    }
    const have = directives(parsed[i]);
    const at = [...want, ...have].findIndex((_, k) => want[k] !== have[k]);
    if (at !== -1) {
      fail(
        'XDF032',
        `output.combined: the parser directives of ${a} (${want.join(', ') || 'none'}) and of ` +
          `${b} (${have.join(', ') || 'none'}) differ`,
        hint,
        files[i].place(Math.max(0, Math.min(at, have.length - 1)) + 1, 1),
      );
    }
  }
}

interface StageNames {
  stages: string[][]; // per arch, the new name of each stage
  aliases: [string, string][]; // a platform's other name → its last stage (`final-arm64v8`)
  prefix: string; // of the last stages: `final`, unless a stage of the template takes it
}

/** `build` → `build-arm64v8`; an unnamed stage is `stage-<index>`; the last `final-<platform>`. */
function stageNames(files: ArchDockerfile[], parsed: ParsedDockerfile[]): StageNames {
  const inner = files.map(({ arch }, i) => {
    const taken = new Set(parsed[i].stages.map((s) => s.name));
    return parsed[i].stages.slice(0, -1).map((s) => {
      let name = s.name ?? `stage-${s.index}`;
      while (!s.name && taken.has(name)) name = `x${name}`;
      return `${name}-${arch.name}`;
    });
  });
  const used = new Set(inner.flat());
  // TARGETARCH + TARGETVARIANT of the platform as xdf prints it (linux/arm64: `arm64`), and of
  // the arch's variant when the short form has none (linux/arm64/v8: `arm64v8`)
  const last = (prefix: string) =>
    files.map(({ arch }) => {
      const [, cpu, variant = ''] = arch.platform.split('/');
      const main = `${prefix}-${cpu}${variant}`;
      const other = variant || !arch.variant ? [] : [`${prefix}-${cpu}${arch.variant}`];
      return { main, other };
    });
  let prefix = 'final';
  while (last(prefix).some((l) => [l.main, ...l.other].some((n) => used.has(n))))
    prefix = `xdf-${prefix}`;
  const lasts = last(prefix);
  return {
    stages: inner.map((names, i) => [...names, lasts[i].main]),
    aliases: lasts.flatMap((l) => l.other.map((o): [string, string] => [o, l.main])),
    prefix,
  };
}

/** One arch's stages, from its first FROM on: stage names, references and ARGs renamed. */
function stagesText(
  template: string,
  arch: Arch,
  p: ParsedDockerfile,
  names: string[],
  args: ArgNames,
): string {
  const edits: Edit[] = [];
  const named = new Set<string>();
  for (const stage of p.stages) {
    // `FROM base-${VARIANT}` names a stage when the defaults make it one: the arch's stage then
    if (stage.base === null && stage.image?.text.includes('$')) {
      const expanded = expandDefaults(stage.image.text, p)?.toLowerCase();
      if (expanded !== undefined && named.has(expanded))
        edits.push({ start: stage.image.end, end: stage.image.end, text: `-${arch.name}` });
    }
    if (stage.name) named.add(stage.name);
    if (stage.nameSpan) edits.push(replaceSpan(stage.nameSpan, names[stage.index]));
    else if (stage.image)
      edits.push({
        start: stage.image.end,
        end: stage.image.end,
        text: ` AS ${names[stage.index]}`,
      });
    if (stage.base !== null && stage.image) edits.push(replaceSpan(stage.image, names[stage.base]));
    else if (stage.image) edits.push(...renameVariables(stage.image, p.escape, args));
    for (const flag of stage.flags) edits.push(...renameVariables(flag, p.escape, args));
  }
  for (const use of p.imageUses) {
    if (use.source !== null && use.source < p.stages.length)
      edits.push(replaceSpan(use.span, names[use.source]));
  }
  for (const edit of importEdits(template, arch, p, args)) edits.push(edit);
  const start = firstStageAt(p);
  const shifted = edits.map((e) => ({ ...e, start: e.start - start, end: e.end - start }));
  return closeContinuation(applyEdits(p.text.slice(start), shifted), p.escape);
}

/**
 * A file may end inside a line continuation (`RUN a \` as its last line, comments after it):
 * BuildKit reads it as `RUN a`. In the combined file the next arch's part would join that RUN:
 * the dangling escape character goes.
 */
function closeContinuation(text: string, escape: string): string {
  // Walked back by index: slicing the text once per comment line was quadratic (40,000 comment
  // lines after the last instruction took 4 s, a million over a minute).
  const blank = (at: number) => /\s/.test(text[at]);
  let end = text.length;
  for (;;) {
    while (end > 0 && blank(end - 1)) end--;
    if (end === 0) return text;
    // not lastIndexOf('\r'): in a file without one it scans to the start, for every line
    let lineStart = end;
    while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r')
      lineStart--;
    let from = lineStart;
    while (from < end && blank(from)) from++;
    const line = text.slice(from, end);
    if (line.startsWith('#') && lineStart > 0) end = lineStart;
    else if (line.endsWith(escape)) return text.slice(0, end - 1) + text.slice(end);
    else return text;
  }
}
