import { afterEach, describe, expect, it } from 'vitest';
import { resetAppStore, useAppStore } from './index.ts';
import { reportUnhandledRejections } from './unhandled.ts';

/** jsdom has no PromiseRejectionEvent: an Event carrying `reason`, as the browser's does. */
const rejection = (reason: unknown) =>
  Object.assign(new Event('unhandledrejection', { cancelable: true }), { reason, promise: Promise.resolve() });

afterEach(() => resetAppStore());

describe('unhandled rejections of `void action()`', () => {
  it('land in the store as unexpectedError (the shell shows it) instead of the console; dismiss clears it', () => {
    const stop = reportUnhandledRejections(window);
    try {
      const e = rejection(new Error('policy:hideRun failed: EACCES'));
      window.dispatchEvent(e);
      expect(e.defaultPrevented).toBe(true);
      expect(useAppStore.getState().unexpectedError).toBe('policy:hideRun failed: EACCES');
      useAppStore.getState().dismissUnexpected();
      expect(useAppStore.getState().unexpectedError).toBeNull();
    } finally {
      stop();
    }
    window.dispatchEvent(rejection('after stop'));
    expect(useAppStore.getState().unexpectedError).toBeNull();
  });
});
