// Two names for one arch in `arches:` or `--arch` (`arm64v8` and `aarch64` are one arch): an error
// at the second, where a set would drop it silently.
import { resolveArch } from '../arches/table.js';
import type { Place, Problem } from '../core/errors.js';

/**
 * Two names for one arch in `arches:` (`arm64v8`, `aarch64`) or `--arch`: an error at the second,
 * naming the first, rather than a silent drop.
 */
export function duplicateArches(
  written: string[],
  names: string[],
  fromCli: boolean,
  at: (dotPath: string) => Place,
): Problem[] {
  const first = new Map<string, number>();
  const problems: Problem[] = [];
  names.forEach((name, i) => {
    if (!resolveArch(name)) return; // unknown: XDF001 already
    const j = first.get(name);
    if (j === undefined) {
      first.set(name, i);
      return;
    }
    const same = written[i] === written[j];
    if (same && !fromCli) return; // the schema's uniqueItems says so
    const place = at(`arches.${j}`);
    const where = place.line ? ` (line ${place.line}, column ${place.column ?? 1})` : '';
    problems.push(
      fromCli
        ? {
            code: 'XDF002',
            message: same
              ? `--arch names ${written[i]} twice`
              : `--arch: ${written[i]} is ${name}, already named as ${written[j]}`,
            hint: 'name each arch once',
          }
        : {
            code: 'XDF011',
            message: `${written[i]} is ${name}, already listed at arches.${j}${where}`,
            hint: 'list each arch once (xdf arches shows the names of each)',
            ...at(`arches.${i}`),
          },
    );
  });
  return problems;
}
