// Which matrix files are xdf's (the README's "What xdf owns"): each by its header, the
// bake file by its marker, the JSON matrix (which can carry neither) by being exactly xdf's shape.
import path from 'node:path';
import { CONFIG_NAME } from '../config/find.js';
import type { Config, MatrixFormat } from '../config/types.js';
import { fail } from '../core/errors.js';
import { isInside } from '../core/paths.js';
import { matrixHeaderOwner } from '../emit/header.js';
import { bakeMarker } from '../matrix/bake.js';

/**
 * A matrix file is xdf's by its header; docker-bake.json by its marker, its first property; the
 * JSON matrix, which GitHub reads whole and so cannot carry a marker, by being exactly xdf's shape.
 */
export function ownsMatrixFile(
  format: MatrixFormat,
  bytes: Buffer,
  configFile: string | undefined,
  file: string, // its path: a header names the config from the file's folder
): boolean {
  const text = bytes.toString('utf8');
  const folder = path.dirname(file);
  const config = configFile ?? path.join(folder, CONFIG_NAME);
  if (format === 'json') return parsed(text, (data) => isMatrixJson(data, config, folder));
  if (format === 'bake') return startsWithMarker(text, bakeMarker(configFile, folder));
  return matrixHeaderOwner(text, folder) === config;
}

/**
 * A file rendered from the user's own output template must be one xdf knows as its own the next
 * time: else the next run that changes it refuses to overwrite what xdf itself wrote (XDF058).
 */
export function assertOwnable(
  file: { path: string; content: string; format: MatrixFormat },
  config: Config,
): void {
  if (ownsMatrixFile(file.format, Buffer.from(file.content), config.file, file.path)) return;
  const key = `matrix.templates.${file.format}`;
  const [what, hint] =
    OWNABLE[file.format === 'json' || file.format === 'bake' ? file.format : 'header'];
  fail(
    'XDF028',
    `the output template for ${file.format} renders a file that ${what}: xdf would not know the ` +
      'file as its own, and the next run would refuse to replace it',
    hint,
    { file: config.file, ...config.locate(key, 'value') },
  );
}

const OWNABLE = {
  json: [
    "is not the JSON matrix's shape (only include, each entry with template, arch, dockerfile)",
    'render {{json include}}, as the built-in template does',
  ],
  bake: [
    'does not start with the bake marker',
    'render {{json bake}}, which puts the marker first',
  ],
  header: [
    "does not start with xdf's header",
    'start it with {{header}} (a script: after its #! line), as the built-in templates do',
  ],
};

function parsed(text: string, test: (data: unknown) => boolean): boolean {
  try {
    return test(JSON.parse(text));
  } catch {
    return false;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const hasOnly = (v: Record<string, unknown>, keys: string[]) =>
  Object.keys(v).every((k) => keys.includes(k));

/** xdf-matrix.json: only `include`, each entry with at least template, arch and dockerfile. */
function isMatrixJson(data: unknown, config: string, folder: string): boolean {
  // Beside its config, the shape says it; elsewhere (--out DIR, which several configs may share)
  // its build contexts must be the config's own: they are named from DIR, the template never is.
  const own = (e: Record<string, unknown>) =>
    path.dirname(config) === folder ||
    (typeof e.context === 'string' &&
      isInside(path.dirname(config), path.resolve(folder, e.context)));
  return (
    isObject(data) &&
    hasOnly(data, ['include']) &&
    Array.isArray(data.include) &&
    data.include.every(
      (e) =>
        isObject(e) &&
        ['template', 'arch', 'dockerfile'].every((k) => typeof e[k] === 'string') &&
        own(e),
    )
  );
}

// The text's first property, read as written: JSON.parse would put a key like "0" first.
const FIRST_PROPERTY = /^\s*\{\s*"\/\/"\s*:\s*("(?:[^"\\]|\\.)*")/;

/** A JSON object whose first property is `"//"` with exactly this marker as its value. */
function startsWithMarker(text: string, marker: string): boolean {
  const first = FIRST_PROPERTY.exec(text);
  return !!first && parsed(first[1], (value) => value === marker) && parsed(text, isObject);
}
