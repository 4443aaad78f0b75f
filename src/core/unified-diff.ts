// The one way xdf shows a difference: a unified diff from the `diff` package, labelled per side.
// Bounded: past MAX_EDITS the search for the shortest diff would take minutes (it grows with the
// product of the lines and the edits), so the whole file is shown as replaced instead.
import { diff } from './libs.js';

const MAX_EDITS = 1000;

export function unifiedDiff(
  before: string,
  after: string,
  oldLabel: string,
  newLabel: string,
  context = 3,
): string {
  const options = { context, maxEditLength: MAX_EDITS };
  const patch = diff().createTwoFilesPatch(
    oldLabel,
    newLabel,
    before,
    after,
    undefined,
    undefined,
    options,
  );
  // The package's first line is a ==== separator, which neither `check` nor `diff` prints.
  if (patch !== undefined) return patch.split('\n').slice(1).join('\n');
  return wholeFileDiff(before, after, oldLabel, newLabel);
}

/** Every line of one side removed and every line of the other added, in one hunk. */
function wholeFileDiff(before: string, after: string, oldLabel: string, newLabel: string): string {
  const side = (text: string, sign: string) => {
    if (text === '') return { count: 0, lines: [] as string[] };
    const lines = text.split('\n');
    const final = lines[lines.length - 1] === '';
    if (final) lines.pop();
    const out = lines.map((l) => `${sign}${l}`);
    if (!final) out.push('\\ No newline at end of file');
    return { count: lines.length, lines: out };
  };
  const [a, b] = [side(before, '-'), side(after, '+')];
  const range = (n: number) => (n === 0 ? '0,0' : `1,${n}`);
  return [
    `--- ${oldLabel}`,
    `+++ ${newLabel}`,
    `@@ -${range(a.count)} +${range(b.count)} @@`,
    ...a.lines,
    ...b.lines,
    '',
  ].join('\n');
}
