// Text a registry sent, inside a message to the user (pure): data, never a line of its own.

/** A registry's text inside a message: kept as it is when it is a plain word (linux, arm64,
 * a media type), else quoted with every control or format character escaped and cut to a length,
 * so that it can neither start a line, colour a terminal nor fill a screen. */
export function shown(value: unknown): string {
  if (typeof value === 'string' && /^[\w.+/-]{1,100}$/.test(value)) return value;
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  return JSON.stringify(cut).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) =>
    [...Array(c.length).keys()].map((i) => `\\u${hex4(c.charCodeAt(i))}`).join(''),
  );
}

const hex4 = (unit: number) => unit.toString(16).padStart(4, '0');
