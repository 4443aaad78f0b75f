// output.combined's ARGs: those before the first FROM hold one value for every stage of the file,
// so the ones whose defaults differ per arch are renamed per arch (`BASE` → `BASE_arm64v8`), in
// their declarations, in the FROM lines that expand them, and in the stages that take their
// default (`ARG BASE` in a stage gets `ARG BASE=arm64v8/…`). Pure.
import type { Arch } from '../arches/table.js';
import { fail } from '../core/errors.js';
import { applyEdits, replaceSpan, type Edit } from '../dockerfile/edits.js';
import type { ParsedDockerfile } from '../dockerfile/parse.js';
import { variableNames, type Span } from '../dockerfile/words.js';

/** Where the first stage's line starts: everything before it is the ARGs and comments before it. */
export const firstStageAt = (p: ParsedDockerfile) =>
  Math.max(
    p.text.lastIndexOf('\n', p.stages[0].start),
    p.text.lastIndexOf('\r', p.stages[0].start),
  ) + 1;

/** Per arch: the ARGs before the first FROM that are renamed for it (`BASE` → `BASE_arm64v8`). */
export type ArgNames = Map<string, { name: string; value: Span | null }>;

/**
 * An ARG before the first FROM is renamed per arch when its defaults differ between arches (or it
 * is declared for some only), or when a default expands one that is renamed.
 */
export function argNames(arches: Arch[], parsed: ParsedDockerfile[]): ArgNames[] {
  const globals = parsed.map((p) =>
    p.argInstructions.filter((a) => a.stage === null).flatMap((a) => a.properties),
  );
  const all = [...new Set(globals.flat().map((p) => p.name.text))];
  // Each name's defaults per arch, in order, and which names each name's defaults expand: read
  // once, so that a file of many ARGs costs their number, not its square.
  const defaults = globals.map((props) => {
    const byName = new Map<string, (string | undefined)[]>();
    for (const p of props) listAt(byName, p.name.text).push(p.value?.text);
    return byName;
  });
  const renamed = new Set(
    all.filter(
      (name) => new Set(defaults.map((byName) => JSON.stringify(byName.get(name) ?? []))).size > 1,
    ),
  );
  const expandedBy = new Map<string, string[]>(); // a name → the names whose defaults expand it
  globals.forEach((props, i) => {
    for (const { name, value } of props)
      for (const v of value ? variableNames(value, parsed[i].escape) : [])
        listAt(expandedBy, v.text).push(name.text);
  });
  // A name whose default expands a renamed one is renamed too, however far down the chain.
  for (const queue = [...renamed]; queue.length;) {
    for (const name of expandedBy.get(queue.pop()!) ?? []) {
      if (renamed.has(name)) continue;
      renamed.add(name);
      queue.push(name);
    }
  }
  const taken = new Set(all);
  return arches.map((arch, i) => {
    const names: ArgNames = new Map();
    for (const { name, value } of globals[i]) {
      if (!renamed.has(name.text)) continue;
      let renamedTo = `${name.text}_${arch.name}`;
      while (taken.has(renamedTo)) renamedTo = `${renamedTo}_`;
      names.set(name.text, { name: renamedTo, value }); // the last default is the one in force
    }
    return names;
  });
}

function listAt<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/** Edits that rename the variables a span expands. */
export function renameVariables(span: Span, escape: string, args: ArgNames): Edit[] {
  return variableNames(span, escape).flatMap((v) => {
    const arg = args.get(v.text);
    return arg ? [replaceSpan(v, arg.name)] : [];
  });
}

/**
 * The ARGs and comments before the first FROM: once, with each ARG that is renamed written per arch
 * where it stands, when the arches differ only in those; else every arch's, one after another.
 */
export function preamble(parsed: ParsedDockerfile[], args: ArgNames[]): string {
  const pieces = parsed.map((p, i) => {
    const start = p.headerAt;
    const end = firstStageAt(p);
    const skeleton: string[] = [];
    const renamed: string[] = [];
    let at = start;
    for (const arg of p.argInstructions.filter((a) => a.stage === null)) {
      const edits = arg.properties.flatMap((prop) => [
        ...(args[i].has(prop.name.text)
          ? [replaceSpan(prop.name, args[i].get(prop.name.text)!.name)]
          : []),
        ...(prop.value ? renameVariables(prop.value, p.escape, args[i]) : []),
      ]);
      if (edits.length === 0) continue;
      skeleton.push(p.text.slice(at, arg.span.start));
      const shifted = edits.map((e) => ({
        ...e,
        start: e.start - arg.span.start,
        end: e.end - arg.span.start,
      }));
      renamed.push(applyEdits(arg.span.text, shifted));
      at = arg.span.end;
    }
    skeleton.push(p.text.slice(at, end));
    return { skeleton, renamed, eol: p.eol };
  });
  const same = pieces.every((p) => p.skeleton.join('\0') === pieces[0].skeleton.join('\0'));
  const write = (piece: (typeof pieces)[number], rows: (k: number) => string) =>
    piece.skeleton.map((text, k) => (k === 0 ? text : rows(k - 1) + text)).join('');
  if (same) return write(pieces[0], (k) => pieces.map((p) => p.renamed[k]).join(pieces[0].eol));
  return pieces.map((p) => write(p, (k) => p.renamed[k])).join('');
}

/** `ARG BASE` in a stage takes the default of the ARG before the first FROM: now renamed, so the
 * stage gets that default written out. */
export function importEdits(
  template: string,
  arch: Arch,
  p: ParsedDockerfile,
  args: ArgNames,
): Edit[] {
  const edits: Edit[] = [];
  for (const instruction of p.argInstructions) {
    if (instruction.stage === null) continue;
    for (const prop of instruction.properties) {
      const arg = args.get(prop.name.text);
      if (prop.value || !arg?.value) continue;
      if (arg.value.text.includes('$')) {
        const { line } = p.positionOf(prop.name.start);
        fail(
          'XDF032',
          `output.combined: the stage ARG ${prop.name.text} takes its default from the ARG ` +
            `before the first FROM, which is renamed per arch, and that default ` +
            `(${arg.value.text}) expands another variable, which the stage cannot see`,
          'give the ARG before the first FROM a literal default per arch ({{#arch …}}), or the ' +
            `stage its own ARG ${prop.name.text}=…`,
          { file: template, rendered: `line ${line} of the final Dockerfile for ${arch.name}` },
        );
      }
      edits.push(replaceSpan(prop.name, `${prop.name.text}=${arg.value.text}`));
    }
  }
  return edits;
}

/**
 * A word with the ARGs before the first FROM expanded by their defaults (`base-${V}` →
 * `base-prod`); undefined when one has no literal default or is written in another form.
 */
export function expandDefaults(word: string, p: ParsedDockerfile): string | undefined {
  let known = true;
  const expanded = word.replace(
    /\$(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_, braced, bare) => {
      const value = p.args.get(braced ?? bare)?.value?.text;
      if (value === undefined || value.includes('$')) known = false;
      return value ?? '';
    },
  );
  return known ? expanded : undefined;
}
