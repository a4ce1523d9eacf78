import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection of the calling thread's isolate, or null when the runtime refuses to expose one.
 * For the few points where the engine knows a large heap of garbage was just left behind (the scan's per-file
 * objects) or native memory V8 does not count piles up (worker chunks): without it V8 keeps that heap committed
 * while the workers start, and the two add up in the peak RSS.
 */
export const collectGarbage: (() => void) | null = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
})();
