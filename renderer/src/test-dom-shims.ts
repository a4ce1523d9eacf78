/** jsdom lacks ResizeObserver (Fluent's MessageBar and overflow helpers use it). Import first in component tests. */
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
}
export {};
