// One quoting rule for every value placed in a generated shell script or Makefile.
const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** POSIX shell quoting: safe words stay bare, the rest in single quotes. */
export function shellQuote(value: string): string {
  return SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Shell-quoted, then `$` doubled so that make passes it through to the shell unchanged. */
export function makeQuote(value: string): string {
  return shellQuote(value).replace(/\$/g, '$$$$');
}
