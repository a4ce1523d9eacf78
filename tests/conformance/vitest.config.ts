import { defineConfig } from 'vitest/config';

// The conformance suite (npm test -- --only conformance): Microsoft's Python SDK and Azure CLI against the sandbox.
export default defineConfig({
  test: {
    name: 'conformance',
    environment: 'node',
    root: import.meta.dirname + '/../..',
    include: ['tests/conformance/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
