/**
 * Waits `ms`, or rejects with the signal's reason as soon as it is aborted (the timer is cleared, nothing leaks).
 * The one abortable wait of the services: the Azure retry back-off and the throttling limiter use it.
 */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const reason = () => signal?.reason ?? new DOMException('Aborted', 'AbortError');
    if (signal?.aborted) return reject(reason());
    const onAbort = () => {
      clearTimeout(t);
      reject(reason());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
