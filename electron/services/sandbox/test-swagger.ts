import type { Exchange } from './arm.ts';
import { SwaggerOracle } from './swagger-oracle.ts';

/**
 * Test helper: the swagger oracle (swagger-oracle.ts) over the exchanges a test recorded (AzureTestEnv.exchanges or
 * StartSandboxOptions.onArmExchange), one oracle per test process (loading and compiling the swagger files takes a
 * few hundred ms).
 */
let shared: SwaggerOracle | undefined;
export const swaggerOracle = (): SwaggerOracle => (shared ??= new SwaggerOracle());

/**
 * ARM calls whose official swagger is not kept in tests/swagger (its README says which and why). Every other
 * exchange a test records must be covered by a swagger held there, or it is reported as unchecked.
 */
export const NOT_HELD: Array<[RegExp, string]> = [[/^\/metadata\/endpoints$/i, "ARM's metadata endpoint (no swagger)"]];

export interface SwaggerSummary {
  /** `operationId @ api-version` of every checked exchange (polls marked). */
  operations: string[];
  /** Every disagreement with the swagger ([] = all kept). */
  problems: string[];
  /** Exchanges no swagger held here covers and NOT_HELD does not name, as `METHOD path api-version`: must be []. */
  unchecked: string[];
  /** The NOT_HELD areas the exchanges touched. */
  notHeld: string[];
}

const describeEx = (e: Exchange) =>
  `${e.method} ${e.path} ${new URLSearchParams(e.query).get('api-version') ?? ''}`.trim();

/** Reviews the exchanges (those whose path matches `paths`, when given) in the order they happened. */
export function swaggerReview(exchanges: readonly Exchange[], paths?: RegExp): SwaggerSummary {
  const r = swaggerOracle().review(exchanges.filter((e) => !paths || paths.test(e.path)));
  const area = (e: Exchange) => NOT_HELD.find(([re]) => re.test(e.path))?.[1];
  return {
    operations: r.operations,
    problems: r.problems,
    unchecked: r.unchecked.filter((e) => !area(e)).map(describeEx),
    notHeld: [...new Set(r.unchecked.map(area).filter((a): a is string => !!a))].sort(),
  };
}
