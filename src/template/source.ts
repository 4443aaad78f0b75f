// A template as the renderer sees it, and the values it renders with.
import type { Arch } from '../arches/table.js';

export interface TemplateSource {
  file: string; // absolute path, for errors
  text: string;
  /** The partials it uses, by the name it uses them with (read from its own folder tree). */
  partials?: Map<string, TemplateSource>;
}

export interface RenderContext {
  arch: Arch;
  host: Arch;
  emulated: boolean;
  native: boolean;
  pins: Record<string, string>;
  vars: Record<string, unknown>;
  /** The most text a render may produce (twice limits.input_bytes; default twice 5 MiB). */
  outputLimit?: number;
  /** The longest a render may run, in seconds (default RENDER_SECONDS). */
  renderSeconds?: number;
}

export const DEFAULT_OUTPUT_LIMIT = 2 * 5 * 1024 * 1024;

/** An arch record that prints as its name (`{{arch}}`, `{{host}}`) and still reads every field. */
export function archValue(arch: Arch): Arch {
  return Object.freeze({ ...arch, toString: () => arch.name });
}

export const isArch = (v: unknown): v is Arch =>
  !!v && typeof v === 'object' && 'platform' in v && 'qemu' in v;

/** A map of `vars` printed whole, which JavaScript would print as [object Object]. */
export class PrintedMap extends Error {
  constructor(readonly path: string) {
    super(`{{${path}}} is a map, which prints as [object Object]`);
  }
}

// What a map of `vars` prints as: a mark the render's text is searched for, not an error thrown
// there (Handlebars prints the context into its own "not defined in" message too).
const MARK = '\u0000xdf-map:';
const printable = new WeakMap<object, unknown>();

/**
 * `vars` as templates see them: the same values, but a map that reaches the text whole
 * (`{{vars.x}}` where x is a map, an item of a list of maps) prints a mark that assertNoMap finds,
 * instead of [object Object]. Maps are copied once per config (aliases share their copy); lists
 * keep printing as `a,b`.
 */
export function templateVars(value: unknown, path = 'vars'): unknown {
  if (value === null || typeof value !== 'object') return value;
  const known = printable.get(value);
  if (known) return known;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  printable.set(value, copy);
  for (const [key, v] of Object.entries(value))
    (copy as Record<string, unknown>)[key] = templateVars(v, `${path}.${key}`);
  if (!Array.isArray(copy))
    Object.defineProperty(copy, Symbol.toPrimitive, { value: () => `${MARK}${path}\u0000` });
  return copy;
}

/** A rendered text that printed a map of `vars` whole: PrintedMap, naming the first. */
export function assertNoMap(text: string): string {
  const at = text.indexOf(MARK);
  if (at === -1) return text;
  const end = text.indexOf('\u0000', at + MARK.length);
  throw new PrintedMap(text.slice(at + MARK.length, end === -1 ? undefined : end));
}
