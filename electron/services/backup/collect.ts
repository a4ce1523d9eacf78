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

/**
 * A full collection that also gives the isolate's free pages back to the system (V8's "last resort" collection:
 * several rounds, the young generation shrunk, pooled pages released); a plain collection keeps them for reuse, so
 * the RSS stays at the heap's high-water mark for the rest of the run. Null when the runtime exposes no gc.
 */
export const releaseMemory: (() => void) | null = collectGarbage
  ? () =>
      (collectGarbage as unknown as (o: { type: string; execution: string; flavor: string }) => void)({
        type: 'major',
        execution: 'sync',
        flavor: 'last-resort',
      })
  : null;

/** A young-generation collection (a scavenge: a fraction of a millisecond with the engine's small young heaps). */
const collectYoung: (() => void) | null = collectGarbage
  ? () =>
      (collectGarbage as unknown as (o: { type: string; execution: string }) => void)({
        type: 'minor',
        execution: 'sync',
      })
  : null;

/** Bytes of short-lived native buffers made since the last young collection. */
let youngBytes = 0;

/**
 * Counts short-lived native buffers just made and dropped (each `update` of a cipher returns a new one, 64 KiB at a
 * time); every 4 MiB a young collection frees them while their objects are still young. Left to V8, they piled up
 * to tens of MiB per isolate before a full collection freed them, malloc gave those pages back, and the next
 * buffers faulted them in again: on the 1 GiB corpus a fifth of the page faults and most of the V8 helper threads'
 * marking time (README, 2026-12-05 speed15).
 */
export function droppedBuffers(bytes: number): void {
  youngBytes += bytes;
  if (youngBytes >= 4 << 20) {
    youngBytes = 0;
    collectYoung?.();
  }
}
