// The one way xdf shows a difference: a unified diff from the `diff` package, labelled per side.
import { diff } from './libs.js';

export function unifiedDiff(
  before: string,
  after: string,
  oldLabel: string,
  newLabel: string,
  context = 3,
): string {
  // The package's first line is a ==== separator, which neither `check` nor `diff` prints.
  return diff()
    .createTwoFilesPatch(oldLabel, newLabel, before, after, undefined, undefined, { context })
    .split('\n')
    .slice(1)
    .join('\n');
}
