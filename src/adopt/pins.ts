// Values that vary by arch and that no scheme explains: `pins:` in xdf.yaml, read in the template
// with `{{pin "name"}}`. Each is named after what the line says it is (`ARG OVERLAY_ARCH=` →
// overlay_arch); one set of values gets one pin.

export class PinBook {
  readonly pins = new Map<string, Record<string, string>>(); // name → canonical arch → value

  /** The pin holding these values (per arch): the one that already does, else a new one named
   * `base` (or `base_2`…). */
  add(values: Record<string, string>, base: string | string[]): string {
    const name = this.nameFor(values, base);
    this.pins.set(name, values);
    return name;
  }

  /** The name these values have, or would get under the first free base (else `base_2`…),
   * without making the pin. */
  nameFor(values: Record<string, string>, base: string | string[]): string {
    const key = JSON.stringify(sorted(values));
    for (const [name, existing] of this.pins)
      if (JSON.stringify(sorted(existing)) === key) return name;
    const bases = typeof base === 'string' ? [base] : base;
    const free = bases.find((b) => !this.pins.has(b));
    if (free) return free;
    let name = bases[0];
    for (let n = 2; this.pins.has(name); n++) name = `${bases[0]}_${n}`;
    return name;
  }

  /** What `attempt` makes with a copy of the book: its pins are kept when it gives a result. */
  trial<T>(attempt: (book: PinBook) => T | undefined): T | undefined {
    const copy = this.copy();
    const result = attempt(copy);
    if (result !== undefined) this.take(copy);
    return result;
  }

  copy(): PinBook {
    const copy = new PinBook();
    for (const [k, v] of this.pins) copy.pins.set(k, v);
    return copy;
  }

  /** The pins of a copy this book was made into. */
  take(copy: PinBook): void {
    this.pins.clear();
    for (const [k, v] of copy.pins) this.pins.set(k, v);
  }
}

const sorted = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export const STOP = new Set([
  'http',
  'https',
  'www',
  'com',
  'org',
  'net',
  'io',
  'download',
  'releases',
  'tar',
]);

/** A name for a value from the text before it on its line: the variable it is assigned to, else
 * the nearest word. */
export function nameFrom(before: string): string {
  const assigned = /([A-Za-z_][A-Za-z0-9_]*)=["']?[^"'\s=]*$/.exec(before);
  const variable = /^\s*(?:ENV|ARG|LABEL)\s+([A-Za-z_][A-Za-z0-9_.-]*)[= ]/i.exec(before);
  const word = [...before.matchAll(/[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*/g)]
    .map((m) => m[0])
    .reverse()
    .find(
      (w) =>
        w.length >= 3 && !STOP.has(w.toLowerCase()) && !/^(RUN|COPY|ADD|FROM|ENV|ARG)$/.test(w),
    );
  return cleanName(assigned?.[1] ?? variable?.[1] ?? word ?? 'value');
}

/** A pin name from words: lower case, `_` between them, starting with a letter. */
export function cleanName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  return /^[a-z]/.test(name) ? name : `v_${name || 'value'}`;
}
