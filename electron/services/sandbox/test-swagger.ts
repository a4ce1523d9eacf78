import type { Exchange } from './arm.ts';
import { SwaggerOracle } from './swagger-oracle.ts';

/**
 * Test helper: the swagger oracle (swagger-oracle.ts) over the exchanges a test recorded (AzureTestEnv.exchanges or
 * StartSandboxOptions.onArmExchange), one oracle per test process (loading and compiling the swagger files takes a
 * few hundred ms).
 */
let shared: SwaggerOracle | undefined;
export const swaggerOracle = (): SwaggerOracle => (shared ??= new SwaggerOracle());

export interface SwaggerSummary {
  /** `operationId @ api-version` of every checked exchange (polls marked). */
  operations: string[];
  /** Every disagreement with the swagger ([] = all kept). */
  problems: string[];
  /** Exchanges of the selected paths that no swagger held here covers, as `METHOD path api-version`. */
  unchecked: string[];
}

/** Reviews the exchanges whose path matches `paths` (all when omitted), in the order they happened. */
export function swaggerReview(exchanges: readonly Exchange[], paths?: RegExp): SwaggerSummary {
  const r = swaggerOracle().review(exchanges.filter((e) => !paths || paths.test(e.path)));
  return {
    operations: r.operations,
    problems: r.problems,
    unchecked: r.unchecked.map((e) => `${e.method} ${e.path} ${new URLSearchParams(e.query).get('api-version') ?? ''}`.trim()),
  };
}
