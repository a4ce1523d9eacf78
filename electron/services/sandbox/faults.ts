import { setTimeout as delay } from 'node:timers/promises';
import { HttpError } from './http-util.ts';

/**
 * Faults on demand (set through the admin API): the next `count` matching requests get a 429 with Retry-After,
 * a 500 / 503, or are answered only after `delayMs`. Matching: surface ('arm' | 'graph' | 'any'), optional
 * method and a case-insensitive substring of the path.
 */
export interface FaultSpec {
  kind: 'throttle' | 'error500' | 'error503' | 'slow';
  surface?: 'arm' | 'graph' | 'any';
  method?: string;
  pathContains?: string;
  /** How many requests it applies to (default 1). */
  count?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export class FaultInjector {
  private faults: Array<FaultSpec & { left: number }> = [];

  add(spec: FaultSpec): void {
    if (!['throttle', 'error500', 'error503', 'slow'].includes(spec.kind))
      throw new Error(`unknown fault kind '${String(spec.kind)}'`);
    this.faults.push({ ...spec, left: spec.count ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  list(): FaultSpec[] {
    return this.faults.map(({ left, ...f }) => ({ ...f, count: left }));
  }

  /** Consumes a matching fault: resolves to the error to answer with (after any delay), or undefined. */
  async take(surface: 'arm' | 'graph', method: string, path: string): Promise<HttpError | undefined> {
    const i = this.faults.findIndex(
      (f) =>
        (!f.surface || f.surface === 'any' || f.surface === surface) &&
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        (!f.pathContains || path.toLowerCase().includes(f.pathContains.toLowerCase())),
    );
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (--f.left <= 0) this.faults.splice(i, 1);
    switch (f.kind) {
      case 'slow':
        await delay(f.delayMs ?? 2000);
        return undefined;
      case 'throttle': {
        const s = f.retryAfterSeconds ?? 1;
        return new HttpError(
          429,
          'TooManyRequests',
          `The request is being throttled (local sandbox fault). Retry after ${s} seconds.`,
          { 'retry-after': String(s) },
        );
      }
      case 'error500':
        return new HttpError(500, 'InternalServerError', 'Encountered an internal server error (local sandbox fault).');
      case 'error503':
        return new HttpError(
          503,
          'ServiceUnavailable',
          'The service is temporarily unavailable (local sandbox fault).',
          { 'retry-after': '1' },
        );
    }
  }
}
