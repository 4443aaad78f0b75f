// Where the files name their base images, row by row: `FROM <image>`, the ARG default behind
// `FROM $VAR`, and `COPY --from=<image>`. A row is a place when every file that has it writes the
// same instruction around the image; the images may differ. Stages whose FROM is the same in every
// file run on the build host (`stages:`).
import type { Row } from './align.js';
import type { Lines } from './lines.js';
import { ruleKey, type ImageUse } from './images.js';

export interface ImagePlace extends ImageUse {
  prefix: string; // the line before the image, the same in every file
  suffixes: Record<string, string>; // after it, per arch (`AS build` in some files only)
  key: string; // the rule key of the host's (or first) image
}

export interface HostStage {
  key: string; // the stage's name, else its index
  image: string;
  line: string;
}

// A FROM whose image a rule may map (no --platform: xdf leaves those as the user chose), and any.
const FROM = /^(\s*FROM\s+(?:--(?!platform)[^\s=]+=\S+\s+)*)(\S+)((?:\s+AS\s+\S+)?\s*)$/i;
const ANY_FROM = /^(\s*FROM\s+(?:--\S+\s+)*)(\S+)((?:\s+AS\s+\S+)?\s*)$/i;
const COPY_FROM = /^(\s*COPY\s+(?:--\S+\s+)*?--from=)(\S+?)(\s.*)$/i;

interface FileView {
  arch: string;
  lines: Lines;
}

export function imagePlaces(rows: Row[], files: FileView[], host: string): ImagePlace[] {
  const facts = files.map((f) => fileFacts(f.lines.lines));
  const places: ImagePlace[] = [];
  rows.forEach((row, r) => {
    let prefix: string | undefined;
    const suffixes: Record<string, string> = {};
    const images: Record<string, string> = {};
    for (let i = 0; i < files.length; i++) {
      const at = row[i];
      if (at === null) continue;
      const found = imageOnLine(files[i].lines.lines[at], at, facts[i]);
      if (!found || (prefix !== undefined && found.prefix !== prefix)) return;
      prefix = found.prefix;
      suffixes[files[i].arch] = found.suffix;
      images[files[i].arch] = found.image;
    }
    if (prefix === undefined) return;
    const source = images[host] ?? Object.values(images)[0];
    places.push({ row: r, images, prefix, suffixes, key: ruleKey(source) });
  });
  return places;
}

interface Facts {
  stages: Set<string>; // stage names (lower case)
  firstFrom: number; // line index
  fromArgs: Set<string>; // ARGs that a FROM names whole
}

function fileFacts(lines: string[]): Facts {
  const stages = new Set<string>();
  const fromArgs = new Set<string>();
  let firstFrom = lines.length;
  lines.forEach((line, i) => {
    const m = ANY_FROM.exec(line.replace(/\r$/, ''));
    if (!m) return;
    if (firstFrom === lines.length) firstFrom = i;
    const name = /\s+AS\s+(\S+)/i.exec(m[3])?.[1];
    if (name) stages.add(name.toLowerCase());
    const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(m[2]);
    if (variable) fromArgs.add(variable[1]);
  });
  return { stages, firstFrom, fromArgs };
}

function imageOnLine(
  line: string,
  index: number,
  facts: Facts,
): { prefix: string; image: string; suffix: string } | undefined {
  const body = line.replace(/\r$/, '');
  const eol = line.slice(body.length);
  const external = (image: string) =>
    !/^scratch$/i.test(image) &&
    !facts.stages.has(image.toLowerCase()) &&
    !/^\d+$/.test(image) &&
    !/^\$\{?\w+\}?$/.test(image);
  const from = FROM.exec(body);
  if (from && external(from[2])) return { prefix: from[1], image: from[2], suffix: from[3] + eol };
  const copy = COPY_FROM.exec(body);
  if (copy && external(copy[2])) return { prefix: copy[1], image: copy[2], suffix: copy[3] + eol };
  if (index < facts.firstFrom) {
    const arg = /^(\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=)(["']?)([^\s"']+)\3(\s*)$/i.exec(body);
    if (arg && facts.fromArgs.has(arg[2]))
      return { prefix: arg[1] + arg[3], image: arg[4], suffix: arg[3] + arg[5] + eol };
  }
  return undefined;
}

/** Stages whose FROM line is the same external image in every file: they run on the build host. */
export function hostStages(rows: Row[], files: FileView[]): HostStage[] {
  const out: HostStage[] = [];
  const counters = files.map(() => 0);
  for (const row of rows) {
    const texts = row.map((at, i) => (at === null ? null : files[i].lines.lines[at]));
    const indexes: number[] = [];
    texts.forEach((t, i) => {
      if (t !== null && ANY_FROM.test(t.replace(/\r$/, ''))) indexes.push(counters[i]++);
    });
    if (texts.some((t) => t === null) || indexes.length !== files.length) continue;
    if (!texts.every((t) => t === texts[0])) continue;
    const m = ANY_FROM.exec(texts[0]!.replace(/\r$/, ''))!;
    if (/^scratch$/i.test(m[2]) || /^\$/.test(m[2]) || /^\d+$/.test(m[2])) continue;
    const name = /\s+AS\s+(\S+)/i.exec(m[3])?.[1]?.toLowerCase();
    const key = name ?? (indexes.every((x) => x === indexes[0]) ? String(indexes[0]) : undefined);
    if (key !== undefined && !out.some((s) => s.key === key))
      out.push({ key, image: m[2], line: texts[0]!.replace(/\r$/, '') });
  }
  return out;
}
