import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readJson, sendAzureError, sendJson } from './http-util.ts';
import type { BearerValidator, Caller } from './tokens.ts';
import type { StateStore } from './state.ts';
import type { FaultInjector } from './faults.ts';
import { findUserById } from './users.ts';

/**
 * The Resource Manager / Graph emulator core: a route table per resource provider (rp-*.ts, graph.ts), bearer
 * validation, api-version checks, RBAC, faults. Routes are templates like
 * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}`, matched case-insensitively as ARM does.
 */
export interface SandboxContext {
  store: StateStore;
  armUrl: string;
  graphUrl: string;
  blobUrl: string;
  /** Registration of a provider stays `Registering` this long before it reads `Registered`. */
  registrationDelayMs: number;
  /** How long a Microsoft.DataBox long-running operation runs before its status reads Succeeded (db-lro.ts). */
  lroDelayMs?: number;
  /** Creates a container for a storage account in Azurite (namespace mapping in storage-map.ts). */
  createBlobContainer(account: string, container: string): Promise<boolean>;
  listBlobContainers(account: string): Promise<Array<{ name: string; lastModified: Date; etag: string }>>;
}

export interface RouteCtx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  caller: Caller;
  sb: SandboxContext;
  req: IncomingMessage;
  url: URL;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  path: string;
  /** Accepted api-version values; omitted for Graph (versioned in the path). */
  apiVersions?: readonly string[];
  /** RBAC action checked against the caller's roles; reads (…/read) need any role, others Owner/Contributor. */
  action: string;
  handler: (ctx: RouteCtx) => Promise<Reply> | Reply;
}

interface Compiled {
  route: Route;
  re: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const src = route.path
    .split(/(\{[A-Za-z]+\})/)
    .map((part) => {
      const m = /^\{([A-Za-z]+)\}$/.exec(part);
      if (m) {
        names.push(m[1]);
        return m[1] === 'scope' ? '(.+?)' : '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\$]/g, '\\$&');
    })
    .join('');
  return { route, re: new RegExp(`^${src}/?$`, 'i'), names };
}

export const ROLE_IDS = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f6fb9462f8c7',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
} as const;

/** Roles the caller holds on `scope` (seeded role on the subscription plus role assignments on a parent scope). */
export function rolesAt(sb: SandboxContext, objectId: string, scope: string): Set<string> {
  const roles = new Set<string>();
  const u = findUserById(objectId);
  if (u) roles.add(u.role);
  const s = scope.toLowerCase();
  for (const ra of Object.values(sb.store.state.roleAssignments)) {
    if (ra.principalId !== objectId) continue;
    const raScope = ra.scope.toLowerCase().replace(/\/+$/, '');
    if (s === raScope || s.startsWith(`${raScope}/`)) {
      const roleGuid = ra.roleDefinitionId.slice(ra.roleDefinitionId.lastIndexOf('/') + 1);
      const name = Object.entries(ROLE_IDS).find(([, id]) => id === roleGuid)?.[0];
      if (name) roles.add(name);
    }
  }
  return roles;
}

const CONTROL_ROLES = ['Owner', 'Contributor', 'Reader'];

/** True when the caller holds any role somewhere in the subscription (what ARM's subscription list shows). */
export function hasAnyAccess(sb: SandboxContext, objectId: string): boolean {
  if (findUserById(objectId)) return true;
  return Object.values(sb.store.state.roleAssignments).some((ra) => ra.principalId === objectId);
}

function authorize(route: Route, caller: Caller, sb: SandboxContext, path: string): void {
  if (route.action === 'none') return;
  const read = route.action.endsWith('/read');
  // Tenant-level reads (subscription list, Import/Export locations and operations) and Graph need no role.
  if (read && !path.toLowerCase().startsWith('/subscriptions/')) return;
  const roles = rolesAt(sb, caller.objectId, path);
  const needsOwner = route.action.startsWith('Microsoft.Authorization/') && !read;
  const ok = read
    ? CONTROL_ROLES.some((r) => roles.has(r))
    : roles.has('Owner') || (!needsOwner && roles.has('Contributor'));
  if (!ok) {
    const scope = path.replace(
      /\/(listBitLockerKeys|register|listKeys|listCredentials|cancel|markDevicesShipped)$/i,
      '',
    );
    throw new HttpError(
      403,
      'AuthorizationFailed',
      `The client '${caller.upn}' with object id '${caller.objectId}' does not have authorization to perform action '${route.action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
}

export interface Emulator {
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** One HTTPS surface (ARM or Graph): validates the bearer for `audience`, then dispatches through `routes`. */
export function createEmulator(opts: {
  routes: Route[];
  audience: string;
  bearer: BearerValidator;
  sb: SandboxContext;
  faults: FaultInjector;
  surface: 'arm' | 'graph';
  /** Answers for paths served without a bearer (ARM's /metadata/endpoints); undefined = not anonymous. */
  anonymous?: (url: URL) => Reply | undefined;
  /** Sees every request and the answer (tests: the swagger-validation contract test). */
  onExchange?: (ex: Exchange) => void;
}): Emulator {
  const compiled = opts.routes.map(compile);
  /** Parsed request bodies, for onExchange when a handler refuses the request. */
  const bodies = new WeakMap<IncomingMessage, unknown>();
  async function run(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Not `new URL(req.url, base)`: SDKs send `//subscriptions/…` for a `/{scope}` parameter, which would parse as a host.
    const url = new URL(`${opts.audience}${(req.url ?? '/').replace(/^\/{2,}/, '/')}`);
    const fault = await opts.faults.take(opts.surface, req.method ?? 'GET', url.pathname);
    if (fault) throw fault;
    // ARM serves its metadata anonymously (clients such as `az cloud register` read it before any sign-in).
    if (opts.anonymous && req.method === 'GET') {
      const reply = opts.anonymous(url);
      if (reply) {
        sendJson(res, reply.status, reply.body, reply.headers);
        return;
      }
    }
    const caller = await opts.bearer.validate(req, opts.audience);
    const path = decodeURIComponent(url.pathname);
    let pathMatched = false;
    for (const c of compiled) {
      const m = c.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (c.route.method !== req.method) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => (params[n] = m[i + 1]));
      if (c.route.apiVersions) checkApiVersion(url, c.route.apiVersions);
      checkSubscription(opts.sb, params);
      authorize(c.route, caller, opts.sb, path);
      const body = ['PUT', 'PATCH', 'POST'].includes(req.method ?? '') ? await readJson(req) : undefined;
      bodies.set(req, body);
      const reply = await c.route.handler({ params, query: url.searchParams, body, caller, sb: opts.sb, req, url });
      opts.onExchange?.({
        method: req.method ?? 'GET',
        path,
        query: url.search,
        requestBody: body,
        status: reply.status,
        responseBody: reply.body,
        responseHeaders: reply.headers ?? {},
      });
      sendJson(res, reply.status, reply.body, reply.headers);
      return;
    }
    if (pathMatched)
      throw new HttpError(405, 'MethodNotAllowed', `The method '${req.method}' is not allowed on '${path}'.`);
    if (opts.surface === 'graph')
      throw new HttpError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop()}'.`);
    throw new HttpError(
      404,
      'NoRegisteredProviderFound',
      `No registered resource provider found for path '${path}' and api-version '${url.searchParams.get('api-version') ?? ''}' (local sandbox).`,
    );
  }
  return {
    handle(req, res) {
      run(req, res).catch((err) => {
        if (opts.onExchange && err instanceof HttpError) {
          const url = new URL(`${opts.audience}${(req.url ?? '/').replace(/^\/{2,}/, '/')}`);
          opts.onExchange({
            method: req.method ?? 'GET',
            path: decodeURIComponent(url.pathname),
            query: url.search,
            requestBody: bodies.get(req),
            status: err.status,
            responseBody: {
              error: { code: err.code, message: err.message, ...(err.target ? { target: err.target } : {}) },
            },
          });
        }
        sendAzureError(res, err);
      });
    },
  };
}

/** One request to the emulator and its answer (the request body as parsed JSON). */
export interface Exchange {
  method: string;
  path: string;
  /** `?api-version=…&…` as sent. */
  query: string;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
  /** The headers the handler set (polling URLs of a long-running operation); absent for refusals. */
  responseHeaders?: Record<string, string>;
}

function checkApiVersion(url: URL, accepted: readonly string[]): void {
  const v = url.searchParams.get('api-version');
  if (!v)
    throw new HttpError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  if (!accepted.includes(v)) {
    throw new HttpError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${v}' is invalid. The supported versions are '${accepted.join(',')}'.`,
    );
  }
}

function checkSubscription(sb: SandboxContext, params: Record<string, string>): void {
  const sub = params.subscriptionId;
  if (sub !== undefined && sub.toLowerCase() !== sb.store.state.subscriptionId.toLowerCase()) {
    throw new HttpError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
  }
  const rg = params.resourceGroupName;
  if (rg !== undefined && !sb.store.state.resourceGroups[rg.toLowerCase()]) {
    throw new HttpError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  }
}

/** ARM's 404 for a resource (`<namespace>/<type>/<name>`) that is not in the resource group, in ARM's words. */
export function resourceNotFound(resource: string, rg: string): HttpError {
  return new HttpError(
    404,
    'ResourceNotFound',
    `The Resource '${resource}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/**
 * A resource's ARM `systemData`: who created it and when (kept from `prev` on an update), who changed it last and
 * when (now, the caller). Every resource provider of the sandbox stamps its resources with it.
 */
export function systemData(ctx: RouteCtx, prev?: Record<string, string>): Record<string, string> {
  const now = new Date().toISOString();
  const by = ctx.caller.upn || ctx.caller.objectId;
  return {
    createdBy: prev?.createdBy ?? by,
    createdByType: prev?.createdByType ?? 'User',
    createdAt: prev?.createdAt ?? now,
    lastModifiedBy: by,
    lastModifiedByType: 'User',
    lastModifiedAt: now,
  };
}

/** Builds `nextLink` paging over an array: `$skiptoken` is the offset, `$top` (or `topParam`) the page size. */
export function page<T>(
  ctx: RouteCtx,
  items: T[],
  opts: { topParam?: string; max?: number; defaultTop?: number } = {},
): { value: T[]; nextLink?: string } {
  const topParam = opts.topParam ?? '$top';
  const max = opts.max ?? 100;
  const topRaw = ctx.query.get(topParam);
  let top = opts.defaultTop ?? max;
  if (topRaw !== null) {
    top = Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > max) {
      throw new HttpError(
        400,
        'InvalidQueryParameterValue',
        `The value '${topRaw}' of query parameter '${topParam}' is invalid: it must be an integer from 1 to ${max}.`,
      );
    }
  }
  const skip = Number(ctx.query.get('$skiptoken') ?? '0') || 0;
  const value = items.slice(skip, skip + top);
  if (skip + top >= items.length) return { value };
  const rest = ctx.url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((kv) => kv && !/^(\$|%24)skiptoken=/i.test(kv));
  return { value, nextLink: `${ctx.url.origin}${ctx.url.pathname}?${[...rest, `$skiptoken=${skip + top}`].join('&')}` };
}
