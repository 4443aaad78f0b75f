// Which matrix files are xdf's (the README's "What xdf owns"): each by its header, the
// bake file by its marker, the JSON matrix (which can carry neither) by being exactly xdf's shape.
import type { MatrixFormat } from '../config/types.js';
import { hasMatrixHeader } from '../emit/header.js';
import { bakeMarker } from '../matrix/bake.js';

/**
 * A matrix file is xdf's by its header; docker-bake.json by its marker, its first property; the
 * JSON matrix, which GitHub reads whole and so cannot carry a marker, by being exactly xdf's shape.
 */
export function ownsMatrixFile(format: MatrixFormat, bytes: Buffer, configFile?: string): boolean {
  const text = bytes.toString('utf8');
  if (format === 'json') return parsed(text, isMatrixJson);
  if (format === 'bake') return startsWithMarker(text, bakeMarker(configFile));
  return hasMatrixHeader(text);
}

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
function isMatrixJson(data: unknown): boolean {
  return (
    isObject(data) &&
    hasOnly(data, ['include']) &&
    Array.isArray(data.include) &&
    data.include.every(
      (e) =>
        isObject(e) && ['template', 'arch', 'dockerfile'].every((k) => typeof e[k] === 'string'),
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
