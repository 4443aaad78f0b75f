// Tests that need something beyond Node.js, git and make run wherever it is present; where it is
// not, their name says what they need and how to get it, and the run's last line lists them
// (test/reporters/skipped.ts), so that a green run never hides what it did not test.

/** A suffix for the name of a suite or test that needs `what`: ` [needs what: how]`. */
export const needs = (what: string, how: string): string => ` [needs ${what}: ${how}]`;
