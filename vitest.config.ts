import { defineConfig } from 'vitest/config';

// Two lanes. `unit`: pure logic and component tests (node for electron/, shared/ and scripts/, jsdom for renderer/);
// about a minute. `integration`: everything under tests/ and every *.integration.test.ts — tests that start local
// servers (the sandbox, Azurite), spawn the obc CLI, kill processes or write hundreds of MB. e2e/ belongs to Playwright.
const integration = ['tests/**/*.test.ts', '**/*.integration.test.ts'];
export default defineConfig({
  test: {
    // Vitest's default on this 2-core CI machine is one worker (cores - 1): files then run one after another while
    // most of them wait on child processes, local servers and disks. Two workers keep both cores busy.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...integration, '**/node_modules/**'],
          setupFiles: ['tests/setup-temp.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          // findBy…/waitFor/expect.poll wait up to 10 s for a condition (renderer/src/test-wait-limits.ts says why).
          setupFiles: ['renderer/src/test-wait-limits.ts'],
          expect: { poll: { timeout: 10_000 } },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: integration,
          // Microsoft's clients against the sandbox: their own step (tests/conformance/vitest.config.ts).
          exclude: ['tests/conformance/**', '**/node_modules/**'],
          setupFiles: ['tests/setup-temp.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
