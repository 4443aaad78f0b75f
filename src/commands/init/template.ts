// `xdf init`: a template and a commented xdf.yaml from an existing Dockerfile. Text to text.
import { archByName } from '../../arches/table.js';
import { escapeControls } from '../../core/errors.js';
import { yaml } from '../../core/libs.js';
import { yamlQuoted } from '../../core/yaml.js';
import { formatImageRef, isOfficial, parseImageRef, shortName } from '../../reference/reference.js';
import { parseDockerfile, type ParsedDockerfile } from '../../dockerfile/parse.js';

export { escapeTemplate } from '../../template/escape.js';

export interface BaseImage {
  key: string;
  official: boolean;
  example: string;
}

/** Every external base image of a Dockerfile (FROM, FROM $ARG, COPY --from, RUN --mount from=),
 * once each. A name that is a stage (as the parser resolves stages) is no image. */
export function baseImages(
  dockerfile: string,
  parsed: ParsedDockerfile = parseDockerfile(dockerfile),
): BaseImage[] {
  const refs: string[] = [];
  for (const stage of parsed.stages) {
    if (stage.base !== null) continue;
    let text = stage.image?.text;
    const variable = text && /^\$\{?(\w+)\}?$/.exec(text);
    if (variable) text = parsed.args.get(variable[1])?.value?.text;
    if (text) refs.push(text);
  }
  // a loop, not push(...): a large file's uses would overflow the stack as arguments
  for (const use of parsed.imageUses) if (use.source === null) refs.push(use.span.text);
  const images = new Map<string, BaseImage>();
  for (const text of refs) {
    if (text.includes('$') || text.toLowerCase() === 'scratch') continue;
    const ref = parseImageRef(text);
    const official = isOfficial(ref);
    const key = official ? shortName(ref) : ref.registry ? `${ref.registry}/${ref.name}` : ref.name;
    if (!images.has(key))
      images.set(key, { key, official, example: formatImageRef({ ...ref, digest: '' }) });
  }
  return [...images.values()];
}

const DISTROS = new Set(['alpine', 'debian', 'ubuntu']);
/** A key as YAML reads it back: bare when it reads as itself (`python`), else quoted (`"null"`). */
const yamlKey = (key: string) =>
  /^[A-Za-z0-9_./-]+$/.test(key)
    ? yaml()
        .stringify({ [key]: 0 }, { lineWidth: 0 })
        .slice(0, -': 0\n'.length)
    : yamlQuoted(key);
/** Text in a `#` comment: one line, whatever it holds. */
const comment = (text: string) => escapeControls(text);

export interface InitOptions {
  arches: string[];
  host: string;
  qemuMode: 'copy' | 'none';
  qemuReason: string;
  template: string;
}

/** A commented xdf.yaml that names every base image with the strategy that fits it. */
export function initialConfig(images: BaseImage[], options: InitOptions): string {
  const lines = [
    '# yaml-language-server: $schema=./node_modules/xdf/schema/xdf.schema.json',
    '# xdf: one Dockerfile template, one Dockerfile per arch. Reference: the README of xdf.',
    `templates: [${options.template}]`,
    `arches: [${options.arches.join(', ')}]   # any naming scheme: aarch64, linux/arm/v7, armhf…`,
    `host: ${options.host}   # the build machine's arch; configuration, so every machine writes ` +
      `the same files`,
    'strategy: namespace   # official images: python:3.12 -> arm64v8/python:3.12',
  ];
  if (images.length) lines.push('images:');
  for (const image of images) {
    const key = yamlKey(image.key);
    if (image.official && DISTROS.has(image.key)) {
      const multiarch =
        image.key === 'alpine' ? 'alpine:aarch64-v3.19' : `${image.key}-debootstrap:arm64-<suite>`;
      lines.push(`  ${key}: { strategy: namespace }   # or multiarch: multiarch/${multiarch}`);
    } else if (image.official) {
      const other = archByName(options.arches.find((a) => a !== options.host) ?? 'arm64v8').name;
      lines.push(`  ${key}: { strategy: namespace }   # ${comment(`${other}/${image.example}`)}`);
    } else {
      lines.push(
        `  ${key}: { strategy: platform }   # FROM --platform=…; for per-arch tags use pattern: ` +
          comment(`{ strategy: pattern, rewrite: "${image.key}:{{tag}}-{{arch}}" }`),
      );
    }
  }
  lines.push(
    'qemu:',
    `  mode: ${options.qemuMode}   # ${options.qemuReason}`,
    '  dest: /usr/bin/',
    '',
  );
  return lines.join('\n');
}
