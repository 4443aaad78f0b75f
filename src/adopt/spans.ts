// Spans of a line that differ by arch and that become a pin: a run of whitespace (drift: a trailing
// space, a tab, a non-breaking space in some files only) named after what it holds, and a word some
// arches add, named after its own words.
import { ARCHES, ARCH_FIELDS, DOWNLOAD_FIELDS } from '../arches/table.js';
import { cleanName, nameFrom, STOP, type PinBook } from './pins.js';
import type { Variant } from './slots.js';

/** Nothing but whitespace (or nothing). */
export const BLANK = /^[\s\u00a0]*$/;

/** Each arch's value, from the variants' values. */
export function valuesByArch(values: string[], variants: Variant[]): Record<string, string> {
  const perArch: Record<string, string> = {};
  variants.forEach((v, i) => v.arches.forEach((a) => (perArch[a] = values[i])));
  return perArch;
}

/** `{{pin "name"}}` for these values (the pin made, or the one that holds them already). */
export function pinPart(
  values: string[],
  variants: Variant[],
  pins: PinBook,
  base: string | string[],
) {
  return { tag: `{{pin ${JSON.stringify(pins.add(valuesByArch(values, variants), base))}}}` };
}

/** A name for runs of whitespace: what they hold. */
export function spaceName(values: string[]): string {
  const all = values.join('');
  if (all.includes('\u00a0')) return 'nbsp';
  if (all.includes('\t')) return 'tab';
  return 'space';
}

// Every arch's name in every scheme: no pin is named after one.
const ARCH_NAMES = new Set(
  ARCHES.flatMap((a) =>
    [...ARCH_FIELDS, ...DOWNLOAD_FIELDS].flatMap((f) => a[f].toLowerCase().split(/[^a-z0-9]+/)),
  ),
);

/** A name for a span some arches have and others lack (or have another of): the variable it is
 * assigned to, else the words every value has, else the nearest word before it; none for spans of
 * punctuation (a `# ` that comments a line out reads better as it is, in an inline block). */
export function spanName(values: string[], before: string): string[] | undefined {
  if (!values.some((v) => /[A-Za-z]{2}/.test(v))) return undefined;
  const near = nameFrom(before);
  const wordsOf = (v: string) =>
    (v.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter(
      (w) => w.length >= 2 && !STOP.has(w.toLowerCase()) && !ARCH_NAMES.has(w.toLowerCase()),
    );
  const present = values.filter((v) => v !== '');
  const shared = wordsOf(present[0] ?? '').filter((w) =>
    present.every((v) => wordsOf(v).includes(w)),
  );
  const own = shared.length ? [cleanName(shared.slice(0, 3).join('_'))] : [];
  // the whole value of a variable is named after it; a part of one, after its own words
  if (/[A-Za-z_][A-Za-z0-9_]*=["']?$/.test(before)) return [near, ...own];
  const names = [...own, ...(near === 'value' ? [] : [near])];
  return names.length ? names : undefined;
}
