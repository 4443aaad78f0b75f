// Step 3: parse rendered Dockerfile text once into the few facts the transforms need, as offsets.
import { DockerfileParser, type Arg, type Property } from 'dockerfile-ast';
import { Source, type Position } from '../core/source.js';
import { DIRECTIVE } from './directives.js';
import { flagOptions, flagValue, instructionWords, type Span } from './words.js';

export type { Span };
type Range = NonNullable<ReturnType<Arg['getRange']>>;

export interface Stage {
  index: number;
  base: number | null; // the earlier stage its FROM names (`FROM build`), null for an image
  line: number; // one-based, of the FROM keyword
  column: number;
  start: number; // offset of the FROM keyword
  flags: Span[]; // the FROM's `--flags`, as written
  image: Span | null; // the base image argument as written
  platform: Span | null; // the value of --platform
  name: string | null; // lower-cased stage name (`AS build`)
  nameSpan: Span | null; // the stage name as written
  // offset just after the FROM instruction's last line break: where an injected line goes
  bodyStart: number;
  hasRun: boolean; // a RUN in the stage itself (ONBUILD RUN does not count)
  runs: number[]; // offsets just after each RUN keyword (qemu.mode mount adds a flag there)
  firstRunLine: number | null; // offset of the start of the line of the stage's first RUN
  goBuild: boolean; // a RUN that runs `go build` or `go install`
  // emulators a hand-written COPY/ADD brings in (`aarch64` for qemu-aarch64-static)
  qemuCopies: string[];
}

export interface ImageUse {
  kind: 'copy' | 'mount';
  span: Span;
  stage: number; // the stage the instruction is in
  source: number | null; // the stage it names (`--from=0`, `--from=build`), null for an image
  line: number;
  column: number;
}

export interface ArgDefault {
  name: string;
  value: Span | null;
  line: number;
  column: number;
}

/** An ARG instruction: before the first FROM (stage null) or in a stage. */
export interface ArgInstruction {
  stage: number | null;
  span: Span; // from the keyword to the end of its last argument
  properties: {
    name: Span;
    value: Span | null; // as written, quotes included
  }[];
}

export interface ParsedDockerfile {
  text: string;
  eol: string; // the file's own line ending
  escape: string; // the escape character (`\` or a backtick)
  headerAt: number; // offset after the parser directives, where the header line goes
  directivesEndWithoutEol: boolean; // the last directive is the last line and has no line break
  args: Map<string, ArgDefault>; // ARGs before the first FROM, by name
  argInstructions: ArgInstruction[]; // every ARG, in order
  stages: Stage[];
  // COPY --from=<x> and RUN --mount=…,from=<x> (stage or image, decided later)
  imageUses: ImageUse[];
  /** One-based line and column of an offset: errors and warnings point at spans. */
  positionOf(offset: number): Position;
}

const BOM = '\uFEFF';
const GO_BUILD = /\bgo\s+(build|install)\b/;
const QEMU_FILE = /(?:^|\/)qemu-([A-Za-z0-9_]+)-static$/;

export function parseDockerfile(text: string): ParsedDockerfile {
  const source = new Source(undefined, text);
  const lines = source.lines;
  const lineStarts = lines.starts;
  const offsetOf = (pos: { line: number; character: number }) => lines.offsetOf(pos);
  const spanOf = (range: {
    start: { line: number; character: number };
    end: { line: number; character: number };
  }): Span => {
    const start = offsetOf(range.start);
    const end = offsetOf(range.end);
    return { start, end, text: text.slice(start, end) };
  };
  const { headerAt, withoutEol } = findHeaderOffset(text, lineStarts);
  const dockerfile = DockerfileParser.parse(text);
  const escape = dockerfile.getEscapeCharacter();
  const parsed: ParsedDockerfile = {
    text,
    eol: detectEol(text),
    escape,
    headerAt,
    directivesEndWithoutEol: withoutEol,
    args: new Map(),
    argInstructions: [],
    stages: [],
    imageUses: [],
    positionOf: (offset) => lines.position(offset),
  };
  // The leading `--flags` of an instruction, read with the file's escape character.
  const flagWords = (range: Range) =>
    instructionWords(text, offsetOf(range.start), offsetOf(range.end), escape, true);
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const range = instruction.getRange();
    const where = source.fromLsp(range.start);
    const stage = parsed.stages[parsed.stages.length - 1];
    if (keyword === 'FROM') {
      const span = spanOf(range);
      parsed.stages.push(
        readFrom(
          instructionWords(text, span.start, span.end, escape),
          parsed.stages.length,
          { ...where, start: span.start },
          range.end.line,
          lineStarts,
          text.length,
        ),
      );
    } else if (keyword === 'ARG') {
      const properties = (instruction as Arg).getProperties();
      if (!stage) for (const p of properties) readArgProperty(p, parsed.args, spanOf, where);
      parsed.argInstructions.push({
        stage: stage ? stage.index : null,
        span: spanOf(range),
        properties: properties.map((p) => {
          const value = p.getValueRange();
          return { name: spanOf(p.getNameRange()), value: value ? spanOf(value) : null };
        }),
      });
    } else if (stage && keyword === 'RUN') {
      if (!stage.hasRun) stage.firstRunLine = lineStarts[range.start.line];
      stage.hasRun = true;
      stage.runs.push(offsetOf(instruction.getInstructionRange().end));
      // The parser's argument getters are slow on large files: ask them only when the raw text may
      // match.
      const raw = spanOf(range).text;
      if (!stage.goBuild && GO_BUILD.test(raw)) stage.goBuild = true;
      if (!/from=/i.test(raw)) continue;
      for (const word of flagWords(range)) {
        const mount = flagValue(word, 'mount');
        for (const option of mount ? flagOptions(mount) : []) {
          if (option.name === 'from')
            parsed.imageUses.push({
              kind: 'mount',
              span: option.value,
              stage: stage.index,
              source: null,
              ...where,
            });
        }
      }
    } else if (stage && (keyword === 'COPY' || keyword === 'ADD')) {
      const raw = spanOf(range).text;
      if (!/--from|qemu-/i.test(raw)) continue;
      for (const word of flagWords(range)) {
        const from = flagValue(word, 'from');
        if (from)
          parsed.imageUses.push({
            kind: 'copy',
            span: from,
            stage: stage.index,
            source: null,
            ...where,
          });
      }
      if (!/qemu-/i.test(raw)) continue;
      const args = instruction.getArguments();
      for (const arg of args.slice(0, -1)) {
        const m = QEMU_FILE.exec(arg.getValue());
        if (m) stage.qemuCopies.push(m[1]);
      }
    }
  }
  resolveStageReferences(parsed);
  return parsed;
}

/**
 * The one place that decides what names a stage, as BuildKit's dockerfile2llb does:
 * - `FROM <name>` names a stage only when that stage comes EARLIER (BuildKit adds stages one by one
 *   and looks the base up among those already added); the base name is compared as written with
 *   the lower-cased stage names, and a name given twice means its latest definition so far;
 * - `COPY --from=<x>` and `RUN --mount=…,from=<x>` are resolved after every stage is known: a
 *   number is a stage index, and a name (case-insensitive) names a stage ANYWHERE in the file, the
 *   last one of that name (BuildKit then refuses a stage not built yet: it is still no image).
 */
function resolveStageReferences(parsed: ParsedDockerfile): void {
  const named = new Map<string, number>();
  for (const stage of parsed.stages) {
    const base = stage.image ? named.get(stage.image.text) : undefined;
    stage.base = base ?? null;
    if (stage.name) named.set(stage.name, stage.index);
  }
  for (const use of parsed.imageUses) {
    const text = use.span.text;
    use.source = /^\d+$/.test(text) ? Number(text) : (named.get(text.toLowerCase()) ?? null);
  }
}

/** `--platform=$BUILDPLATFORM`: a stage that runs on the build host (a cross-compile stage). */
export const isBuildPlatform = (text: string) => /^\$\{?BUILDPLATFORM\}?$/.test(text);
/** `--platform=$TARGETPLATFORM`: the target's platform, which xdf writes out literally. */
export const isTargetPlatform = (text: string) => /^\$\{?TARGETPLATFORM\}?$/.test(text);

/** The name of the variable when a whole reference is one (`$BASE`, `${BASE}`). */
export function wholeVariable(text: string): string | undefined {
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(text);
  return m ? (m[1] ?? m[2]) : undefined;
}

function readFrom(
  words: Span[],
  index: number,
  where: { line: number; column: number; start: number },
  endLine: number,
  lineStarts: number[],
  length: number,
): Stage {
  const flags = words.filter(
    (w, i) => w.text.startsWith('--') && words.slice(0, i).every((p) => p.text.startsWith('--')),
  );
  const args = words.slice(flags.length);
  const platform = flags.map((f) => flagValue(f, 'platform')).find(Boolean) ?? null;
  const hasName = args.length >= 3 && args[1].text.toUpperCase() === 'AS';
  return {
    index,
    base: null,
    ...where,
    flags,
    image: args[0] ?? null,
    platform,
    name: hasName ? args[2].text.toLowerCase() : null,
    nameSpan: hasName ? args[2] : null,
    bodyStart: endLine + 1 < lineStarts.length ? lineStarts[endLine + 1] : length,
    hasRun: false,
    runs: [],
    firstRunLine: null,
    goBuild: false,
    qemuCopies: [],
  };
}

function readArgProperty(
  property: Property,
  args: Map<string, ArgDefault>,
  spanOf: (r: Range) => Span,
  where: { line: number; column: number },
): void {
  const name = property.getName();
  const valueRange = property.getValueRange();
  let value = valueRange ? spanOf(valueRange) : null;
  // A quoted default is edited inside its quotes.
  if (value && value.text.length >= 2 && /^(["']).*\1$/s.test(value.text)) {
    value = { start: value.start + 1, end: value.end - 1, text: value.text.slice(1, -1) };
  }
  args.set(name, { name, value, ...where });
}

function detectEol(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

/** Parser directives must stay the first lines: the header goes right after them. */
function findHeaderOffset(
  text: string,
  lineStarts: number[],
): { headerAt: number; withoutEol: boolean } {
  let line = 0;
  while (line < lineStarts.length) {
    const start = line === 0 && text.startsWith(BOM) ? 1 : lineStarts[line];
    const end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
    if (start >= text.length || !DIRECTIVE.test(text.slice(start, end).replace(/\r?\n$|\r$/, '')))
      break;
    line++;
  }
  // A byte-order mark stays first, before the header.
  if (line === 0) return { headerAt: text.startsWith(BOM) ? 1 : 0, withoutEol: false };
  const headerAt = line < lineStarts.length ? lineStarts[line] : text.length;
  const last = text[headerAt - 1];
  return { headerAt, withoutEol: last !== '\n' && last !== '\r' };
}
