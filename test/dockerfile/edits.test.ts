import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/dockerfile/edits.js';

describe('applyEdits', () => {
  it('keeps every byte outside the edits', () => {
    expect(
      applyEdits('FROM a\r\nRUN x \\\r\n  y\r\n', [{ start: 5, end: 6, text: 'arm64v8/a' }]),
    ).toBe('FROM arm64v8/a\r\nRUN x \\\r\n  y\r\n');
  });
  it('applies edits given in any order, insertions at one offset in the order made', () => {
    const text = 'ab';
    expect(
      applyEdits(text, [
        { start: 2, end: 2, text: 'Z' },
        { start: 0, end: 0, text: '1' },
        { start: 0, end: 0, text: '2' },
        { start: 1, end: 2, text: 'B' },
      ]),
    ).toBe('12aBZ');
  });
  it('refuses overlapping edits: that is a bug, not an output', () => {
    expect(() =>
      applyEdits('abcdef', [
        { start: 0, end: 3, text: 'x' },
        { start: 2, end: 4, text: 'y' },
      ]),
    ).toThrow(/overlapping/);
  });
  it('applies 100,000 edits on a large text (its speed is measured by npm run bench, P3)', () => {
    const text = 'FROM a\n'.repeat(100_000);
    const edits = Array.from({ length: 100_000 }, (_, i) => ({
      start: i * 7 + 5,
      end: i * 7 + 6,
      text: 'b',
    }));
    expect(applyEdits(text, edits)).toBe('FROM b\n'.repeat(100_000));
  });
});
