// Values that vary by arch and that no scheme explains: `pins:` in xdf.yaml, read in the template
// with `{{pin "name"}}`. Each is named after what the line says it is (`ARG OVERLAY_ARCH=` →
// overlay_arch); one set of values gets one pin.

export class PinBook {
  readonly pins = new Map<string, Record<string, string>>(); // name → canonical arch → value

  /** The pin holding these values (per arch), made under a name taken from the text before it. */
  add(values: Record<string, string>, before: string): string {
    const key = JSON.stringify(sorted(values));
    for (const [name, existing] of this.pins)
      if (JSON.stringify(sorted(existing)) === key) return name;
    const base = nameFrom(before);
    let name = base;
    for (let n = 2; this.pins.has(name); n++) name = `${base}_${n}`;
    this.pins.set(name, values);
    return name;
  }
}

const sorted = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const STOP = new Set([
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
  const raw = assigned?.[1] ?? variable?.[1] ?? word ?? 'value';
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  return /^[a-z]/.test(name) ? name : `v_${name || 'value'}`;
}
