import { defineConfig } from 'vitest/config';

// Two environments: node for electron/ and shared/, jsdom for renderer/. e2e/ belongs to Playwright.
export default defineConfig({
  test: {
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
