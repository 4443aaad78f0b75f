// Step 1: xdf.yaml's text (read by plan/inputs.ts) parsed, validated against the schema and
// normalized, every default applied; every problem reported with its line, all in one pass.
import path from 'node:path';
import { ARCH_NAMES, closestArchName, resolveArch } from '../arches/table.js';
import { XdfError, type Problem, type Warnings } from '../core/errors.js';
import { duplicateArches } from './duplicate-arches.js';
import { schemaProblems } from './schema.js';
import { readYaml, type Locate } from '../core/yaml.js';
import { checkImageRule, lineBreak, oneLineReason } from './images.js';
import type { RawConfig } from './raw.js';
import type { Config, ConfigOverrides, ImageRule, MatrixConfig, Pin, Strategy } from './types.js';

const DEFAULT_ARCHES = ['amd64', 'arm32v7', 'arm64v8'];
const IMAGE_KEYS = new Set(['strategy', 'rewrite', 'exclude']);
// A docker context or podman connection name, as xdf.mk passes it to --context/--connection.
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface LoadOptions {
  source?: { file: string; text: string }; // xdf.yaml as load.ts read it; none: the defaults
  templateDir: string;
  overrides?: ConfigOverrides;
  warnings?: Warnings;
}

export function loadConfig(options: LoadOptions): Config {
  const file = options.source?.file;
  const { data, locate } = options.source
    ? readYaml(options.source.file, options.source.text)
    : { data: {}, locate: (() => undefined) as Locate };
  const problems = file ? schemaProblems(data, file, locate) : [];
  const dir = file ? path.dirname(file) : options.templateDir;
  const context = {
    file,
    dir,
    locate,
    overrides: options.overrides ?? {},
    warnings: options.warnings,
  };
  if (problems.length) {
    // Every problem in one pass: the rules after the schema, on data that may not fit it.
    try {
      normalize(data as RawConfig, context);
    } catch (e) {
      if (e instanceof XdfError) problems.push(...e.problems);
    }
    throw new XdfError(
      problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
    );
  }
  return normalize(data as RawConfig, context);
}

interface NormalizeContext {
  file?: string;
  dir: string;
  locate: Locate;
  overrides: ConfigOverrides;
  warnings?: Warnings;
}

function normalize(raw: RawConfig, ctx: NormalizeContext): Config {
  const located = new Map<string, ReturnType<Locate>>();
  const problems: Problem[] = [];
  const at = (dotPath: string, which: 'key' | 'value' = 'value') => ({
    file: ctx.file,
    ...(ctx.file ? ctx.locate(dotPath, which) : undefined),
  });
  // An arch name written as a map key (images.x.<arch>, pins.x.<arch>, native.<arch>) is located at
  // the key.
  const arch = (name: string, dotPath: string, fromCli = false, isKey = false): string => {
    const resolved = resolveArch(String(name));
    if (!resolved) {
      problems.push({
        code: 'XDF001',
        message: `unknown architecture "${name}"${fromCli ? '' : ` at ${dotPath}`}`,
        hint:
          `${didYouMean(closestArchName(String(name)))}use one of ${ARCH_NAMES.join(', ')} (or ` +
          `another scheme's name: aarch64, linux/arm/v7, armhf; see xdf arches)`,
        ...(fromCli ? {} : at(dotPath, isKey ? 'key' : 'value')),
      });
      return String(name);
    }
    if (resolved.ambiguous) {
      ctx.warnings?.add({
        code: 'XDFW003',
        message: `"${name}" is ambiguous: read as ${resolved.arch.name} (Debian's meaning)`,
        hint: `write ${resolved.arch.name} to say so`,
        ...(fromCli ? {} : at(dotPath, isKey ? 'key' : 'value')),
      });
    }
    return resolved.arch.name;
  };
  const archKeyed = <T>(
    obj: Record<string, T> | undefined,
    base: string,
    skip: Set<string> = new Set(),
  ) => {
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(obj ?? {}))
      out[skip.has(k) ? k : arch(k, `${base}.${k}`, false, true)] = v;
    return out;
  };

  const arches = ctx.overrides.arches
    ? ctx.overrides.arches.map((a) => arch(a, 'arches', true))
    : (raw.arches ?? DEFAULT_ARCHES).map((a, i) => arch(a, `arches.${i}`));
  problems.push(
    ...duplicateArches(
      ctx.overrides.arches ?? raw.arches ?? [],
      arches,
      !!ctx.overrides.arches,
      at,
    ),
  );
  const host = ctx.overrides.host
    ? arch(ctx.overrides.host, 'host', true)
    : arch(raw.host ?? 'amd64', 'host');

  const images: ImageRule[] = Object.entries(raw.images ?? {}).map(([key, value]) => {
    const pins: Record<string, Pin> = {};
    for (const [k, v] of Object.entries(value))
      if (!IMAGE_KEYS.has(k))
        pins[arch(k, `images.${key}.${k}`, false, true)] = oneLineReason(v as Pin);
    checkImageRule(key, value, problems, at);
    const rule: ImageRule = {
      key,
      strategy: value.strategy as Strategy | undefined,
      rewrite: value.rewrite as string | undefined,
      exclude: ((value.exclude as string[]) ?? []).map((a, i) =>
        arch(a, `images.${key}.exclude.${i}`),
      ),
      pins,
    };
    if (rule.strategy === 'pattern' && !rule.rewrite)
      problems.push({
        code: 'XDF011',
        message: `images.${key}: the pattern strategy needs a rewrite`,
        hint:
          'add rewrite: "myorg/base:{{tag}}-{{arch}}" (variables: registry, name, tag, ' +
          'digest, arch.*)',
        ...at(`images.${key}`),
      });
    return rule;
  });
  if (raw.strategy === 'pattern' && !images.some((r) => r.rewrite)) {
    problems.push({
      code: 'XDF011',
      message: 'strategy: pattern needs a rewrite per image',
      hint: 'set strategy: pattern with a rewrite: on each image under images:',
      ...at('strategy'),
    });
  }

  for (const [name, values] of Object.entries(raw.pins ?? {})) {
    for (const [k, v] of Object.entries(values ?? {})) {
      if (typeof v === 'string' && /[\r\n]/.test(v))
        problems.push(lineBreak(`pins.${name}.${k}`, at(`pins.${name}.${k}`)));
    }
  }
  const dest = raw.qemu?.dest;
  if (dest !== undefined && /[\s\p{Cc}]/u.test(dest)) {
    problems.push({
      code: 'XDF013',
      message: `qemu.dest: ${JSON.stringify(dest)} contains a space or a line break`,
      hint:
        'qemu.dest is an absolute path without spaces: /usr/bin/ or ' +
        '/usr/libexec/qemu-binfmt/{{arch.qemu}}-binfmt-P',
      ...at('qemu.dest'),
    });
  }

  for (const [key, node] of Object.entries(raw.native ?? {})) {
    const context = (node as { context?: unknown } | null)?.context;
    if (typeof context === 'string' && context !== '' && !NODE_NAME.test(context))
      problems.push({
        code: 'XDF013',
        message:
          `native.${key}.context: ${JSON.stringify(context)} is not a docker context or ` +
          'podman connection name',
        hint:
          'name it as `docker context create NAME` (or `podman system connection add NAME`) ' +
          'did: a letter or digit, then letters, digits, _, . and -',
        ...at(`native.${key}.context`),
      });
  }

  let matrix: MatrixConfig | undefined;
  if (raw.matrix?.formats?.length) {
    if (!raw.matrix.image)
      problems.push({
        code: 'XDF011',
        message: 'matrix.image is required when matrix.formats is set',
        hint: 'add image: myorg/app under matrix:',
        ...at('matrix'),
      });
    matrix = {
      formats: raw.matrix.formats,
      image: raw.matrix.image ?? '',
      tag: raw.matrix.tag ?? '{{arch}}',
      list_tag: raw.matrix.list_tag ?? 'latest',
      runner: raw.matrix.runner ?? 'ubuntu-latest',
      engine: raw.matrix.engine ?? 'docker',
      build_args: raw.matrix.build_args ?? {},
      templates: Object.fromEntries(
        Object.entries(raw.matrix.templates ?? {}).map(([k, v]) => [k, path.resolve(ctx.dir, v)]),
      ),
    };
  }

  // One template listed twice (`a.tpl`, `./a.tpl`) would yield each of its outputs twice.
  const templates = (raw.templates ?? []).map((t) => path.resolve(ctx.dir, t));
  const listed = new Map<string, number>();
  templates.forEach((t, i) => {
    const first = listed.get(t);
    if (first === undefined) return void listed.set(t, i);
    const [again, was] = [raw.templates![i], raw.templates![first]];
    problems.push({
      code: 'XDF011',
      message: `${again} is ${was}, already listed at templates.${first}`,
      hint: 'list each template once',
      ...at(`templates.${i}`),
    });
  });
  const config: Config = {
    file: ctx.file,
    dir: ctx.dir,
    templates,
    arches: [...new Set(arches)],
    host,
    strategy: raw.strategy ?? 'namespace',
    images,
    qemu: {
      mode: raw.qemu?.mode ?? 'copy',
      dest: raw.qemu?.dest ?? '/usr/bin/',
      place: raw.qemu?.place ?? 'after-from',
    },
    pins: Object.fromEntries(
      Object.entries(raw.pins ?? {}).map(([name, values]) => [
        name,
        archKeyed(values, `pins.${name}`, new Set(['default'])),
      ]),
    ),
    vars: raw.vars ?? {},
    output: {
      name: raw.output?.name ?? 'Dockerfile.{{arch}}',
      names: archKeyed(raw.output?.names, 'output.names'),
      ...(raw.output?.combined === undefined ? {} : { combined: raw.output.combined }),
      header: raw.output?.header ?? true,
    },
    // Stage names are case-insensitive, as BuildKit reads them.
    stages: Object.fromEntries(
      Object.entries(raw.stages ?? {}).map(([stage, where]) => [stage.toLowerCase(), where]),
    ),
    limits: { input_bytes: raw.limits?.input_bytes ?? 5 * 1024 * 1024 },
    matrix,
    native: archKeyed(raw.native, 'native'),
    registries: Object.fromEntries(
      Object.entries(raw.registries ?? {}).map(([host, r]) => [
        host,
        { insecure: r.insecure ?? false },
      ]),
    ),
    lock: { host: raw.lock?.host ?? false },
    warnings: { ignore: raw.warnings?.ignore ?? [] },
    // Memoized: a template's every arch asks for the same keys (output.name, qemu.dest).
    locate: (dotPath, at = 'key') => {
      if (!ctx.file) return undefined;
      const key = `${at}:${dotPath}`;
      if (!located.has(key)) located.set(key, ctx.locate(dotPath, at));
      return located.get(key);
    },
  };
  if (problems.length) throw new XdfError(problems);
  return config;
}

const didYouMean = (near: string | undefined) => (near ? `did you mean ${near}? ` : '');
