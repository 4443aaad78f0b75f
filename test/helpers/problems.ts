// What a step threw, for tests of its errors: the typed problems, or a failure when it did not throw.
import { XdfError, type Problem } from '../../src/core/errors.js';

export function problemsOf(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof XdfError) return e.problems;
    throw e;
  }
  throw new Error('no error');
}

export const problemOf = (fn: () => unknown): Problem => problemsOf(fn)[0];
