/**
 * How long a component test waits for something to appear (findBy…, waitFor) before it fails. Testing Library's
 * default is 1 s: enough on an idle machine, not when Vitest shares two cores with integration suites and a page's
 * first render with Fluent takes several seconds. A wait ends as soon as its condition holds, so a longer limit costs
 * nothing when the test passes; Vitest's expect.poll gets the same limit in vitest.config.ts.
 */
import { configure } from '@testing-library/react';

export const WAIT_LIMIT_MS = 10_000;
configure({ asyncUtilTimeout: WAIT_LIMIT_MS });
