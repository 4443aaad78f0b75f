// The process's memory, an edge of the pipeline like the file system: the core never asks for it.
import { setFlagsFromString } from 'node:v8'; // loaded on first use (bin/xdf.cjs): large texts only
import { runInNewContext } from 'node:vm';

/** From this size on, a text's parse tree (about 8 times the text) is worth collecting at once. */
export const LARGE_TEXT = 1 << 20;

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection, now. Once a large text is parsed its parse tree is garbage, but V8
 * keeps it until the old space fills, under the outputs built next: on a 4 MiB Dockerfile that was
 * the run's peak memory. Best effort: without V8's gc function, nothing happens.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc'); // contexts made from now on get `gc`
      // V8 rejects a code cache written under other flags: bin/xdf.cjs must not keep this run's.
      (globalThis as Record<symbol, unknown>)[Symbol.for('xdf.v8-flags-changed')] = true;
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
