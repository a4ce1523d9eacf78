import { defineConfig } from 'vitest/config';

// Two environments: node for electron/ and shared/, jsdom for renderer/. e2e/ belongs to Playwright.
export default defineConfig({
  test: {
    // Vitest's default on this 2-core CI machine is one worker (cores - 1): files then run one after another while
    // most of them wait on child processes, local servers and disks. Two workers keep both cores busy.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts'],
          // Microsoft's clients against the sandbox: their own step (tests/conformance/vitest.config.ts).
          exclude: ['tests/conformance/**', '**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
