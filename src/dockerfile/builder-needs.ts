// What a Dockerfile asks of the builder that runs it: the BuildKit-only syntax xdf writes or
// advises (`RUN --mount`, `FROM --platform=$BUILDPLATFORM`), and the emulators it reads from its
// build context (a COPY of `qemu-*-static`, a bind mount of one) that must be staged there.
import { DockerfileParser } from 'dockerfile-ast';
import { Source } from '../core/source.js';
import { isBuildPlatform } from './parse.js';
import { flagOptions, flagValue, instructionWords } from './words.js';

export interface BuildkitUse {
  line: number; // one-based
  syntax: 'RUN --mount' | 'FROM --platform=$BUILDPLATFORM';
}

export interface ContextEmulator {
  line: number;
  source: string; // as written: a path in the build context (qemu-aarch64-static)
}

export interface BuilderNeeds {
  buildkit: BuildkitUse[];
  emulators: ContextEmulator[];
}

const QEMU_FILE = /(?:^|\/)qemu-[A-Za-z0-9_]+-static$/;

export function builderNeeds(text: string): BuilderNeeds {
  const needs: BuilderNeeds = { buildkit: [], emulators: [] };
  // The parser's getters are slow on large files: ask them only when the raw text may match.
  if (!/--mount|--platform|qemu-/i.test(text)) return needs;
  const source = new Source(undefined, text);
  const lines = source.lines;
  const dockerfile = DockerfileParser.parse(text);
  const escape = dockerfile.getEscapeCharacter();
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'FROM' && keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD')
      continue;
    const range = instruction.getRange();
    const start = lines.offsetOf(range.start);
    const end = lines.offsetOf(range.end);
    if (!/--mount|--platform|qemu-/i.test(text.slice(start, end))) continue;
    const { line } = source.fromLsp(range.start);
    const flags = instructionWords(text, start, end, escape, true);
    if (keyword === 'FROM') {
      const platform = flags.map((f) => flagValue(f, 'platform')).find(Boolean);
      if (platform && isBuildPlatform(platform.text))
        needs.buildkit.push({ line, syntax: 'FROM --platform=$BUILDPLATFORM' });
    } else if (keyword === 'RUN') {
      for (const mount of flags.map((f) => flagValue(f, 'mount')).filter((m) => !!m)) {
        if (!needs.buildkit.some((u) => u.line === line))
          needs.buildkit.push({ line, syntax: 'RUN --mount' });
        const options = new Map(flagOptions(mount!).map((o) => [o.name, o.value.text]));
        const source = options.get('source') ?? options.get('src');
        const bind = (options.get('type') ?? 'bind') === 'bind';
        if (bind && !options.has('from') && source && QEMU_FILE.test(source))
          needs.emulators.push({ line, source });
      }
    } else if (!flags.some((f) => flagValue(f, 'from'))) {
      const args = instruction.getArguments().map((a) => a.getValue());
      for (const source of args.slice(0, -1))
        if (QEMU_FILE.test(source)) needs.emulators.push({ line, source });
    }
  }
  return needs;
}
