import { randomUUID } from 'node:crypto';
import { HttpError } from './http-util.ts';
import type { Reply, Route, RouteCtx, SandboxContext } from './arm.ts';

/**
 * Long-running operations of Microsoft.DataBox. The swagger marks Jobs_Create (and Jobs_Update / Jobs_Delete)
 * `x-ms-long-running-operation` with 200 or 202: the sandbox answers Jobs_Create with 202, no body, and the two
 * polling headers ARM resource providers send, `Azure-AsyncOperation` (an operation-status resource: `{ id, name,
 * status: InProgress | Succeeded, startTime, endTime }`) and `Location` (202 while running, then 200 with the final
 * job, as `final-state-via: location` describes), plus `Retry-After` in seconds. An operation runs for
 * `lroDelayMs` (sandbox option, default 0: the first poll already reads Succeeded).
 */
interface Op {
  id: string;
  startTime: string;
  doneAt: number;
  /** The final resource as a plain GET (no $expand) returns it, computed when asked. */
  result: () => unknown;
}

const OPS = new WeakMap<SandboxContext['store'], Map<string, Op>>();
const ops = (sb: SandboxContext) => {
  let m = OPS.get(sb.store);
  if (!m) OPS.set(sb.store, (m = new Map()));
  return m;
};

const OPS_BASE = '/subscriptions/{subscriptionId}/providers/Microsoft.DataBox/locations/{location}';

/** Starts an operation for `location` and returns the 202 reply with its polling headers. */
export function accepted(ctx: RouteCtx, location: string, result: () => unknown): Reply {
  const op: Op = {
    id: randomUUID(),
    startTime: new Date().toISOString(),
    doneAt: Date.now() + (ctx.sb.lroDelayMs ?? 0),
    result,
  };
  ops(ctx.sb).set(op.id, op);
  const base = `${ctx.sb.armUrl}/subscriptions/${ctx.sb.store.state.subscriptionId}/providers/Microsoft.DataBox/locations/${location}`;
  const v = encodeURIComponent(ctx.query.get('api-version') ?? '');
  return {
    status: 202,
    headers: {
      'azure-asyncoperation': `${base}/operationStatuses/${op.id}?api-version=${v}`,
      location: `${base}/operationResults/${op.id}?api-version=${v}`,
      'retry-after': '1',
    },
  };
}

function findOp(ctx: RouteCtx): Op {
  const op = ops(ctx.sb).get(ctx.params.operationId);
  if (!op) throw new HttpError(404, 'OperationNotFound', `The operation '${ctx.params.operationId}' was not found.`);
  return op;
}

export function lroRoutes(apiVersions: readonly string[]): Route[] {
  return [
    {
      method: 'GET',
      path: `${OPS_BASE}/operationStatuses/{operationId}`,
      apiVersions,
      action: 'Microsoft.DataBox/locations/operationResults/read',
      handler: (ctx): Reply => {
        const op = findOp(ctx);
        const done = Date.now() >= op.doneAt;
        return {
          status: 200,
          headers: done ? {} : ({ 'retry-after': '1' } as Record<string, string>),
          body: {
            id: `${ctx.url.pathname}`,
            name: op.id,
            status: done ? 'Succeeded' : 'InProgress',
            startTime: op.startTime,
            ...(done ? { endTime: new Date(op.doneAt).toISOString() } : {}),
          },
        };
      },
    },
    {
      method: 'GET',
      path: `${OPS_BASE}/operationResults/{operationId}`,
      apiVersions,
      action: 'Microsoft.DataBox/locations/operationResults/read',
      handler: (ctx) => {
        const op = findOp(ctx);
        if (Date.now() < op.doneAt) return { status: 202, headers: { location: ctx.url.href, 'retry-after': '1' } };
        return { status: 200, body: op.result() };
      },
    },
  ];
}
