import { HttpError } from './http-util.ts';
import { ROLE_IDS, type Route, type RouteCtx } from './arm.ts';
import { SEEDED_USERS } from './users.ts';
import type { RoleAssignmentRec } from './state.ts';

/**
 * Microsoft.Authorization: role assignments (create / get / list / delete on any scope under the subscription)
 * and the built-in role definitions the console uses. Creating an assignment needs Owner (a Reader or
 * Contributor gets 403 AuthorizationFailed, as in Azure).
 */
const API = ['2015-07-01', '2018-01-01-preview', '2020-04-01-preview', '2020-10-01-preview', '2022-04-01'];
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function normScope(ctx: RouteCtx): string {
  const scope = `/${ctx.params.scope.replace(/^\/+|\/+$/g, '')}`;
  const sub = ctx.sb.store.state.subscriptionId.toLowerCase();
  if (!scope.toLowerCase().startsWith(`/subscriptions/${sub}`)) {
    throw new HttpError(
      404,
      'SubscriptionNotFound',
      `The scope '${scope}' is not in the sandbox subscription '${ctx.sb.store.state.subscriptionId}'.`,
    );
  }
  const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(scope);
  if (rg && !ctx.sb.store.state.resourceGroups[rg[1].toLowerCase()])
    throw new HttpError(404, 'ResourceGroupNotFound', `Resource group '${rg[1]}' could not be found.`);
  return scope;
}

function body(ra: RoleAssignmentRec) {
  return {
    properties: {
      roleDefinitionId: ra.roleDefinitionId,
      principalId: ra.principalId,
      principalType: ra.principalType,
      scope: ra.scope,
      createdOn: ra.createdOn,
      updatedOn: ra.createdOn,
      createdBy: ra.createdBy,
      updatedBy: ra.createdBy,
    },
    id: ra.id,
    type: 'Microsoft.Authorization/roleAssignments',
    name: ra.name,
  };
}

/** Stored assignments plus the seeded users' subscription-level roles. */
function allAssignments(ctx: RouteCtx): RoleAssignmentRec[] {
  const sub = `/subscriptions/${ctx.sb.store.state.subscriptionId}`;
  const seeded = SEEDED_USERS.map((u, i) => {
    const name = `0b5e0000-0000-4000-8000-00000000b00${i + 1}`;
    return {
      id: `${sub}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      scope: sub,
      roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS[u.role]}`,
      principalId: u.objectId,
      principalType: 'User',
      createdBy: u.objectId,
      createdOn: '2026-01-01T00:00:00.0000000Z',
    };
  });
  return [...seeded, ...Object.values(ctx.sb.store.state.roleAssignments)];
}

function roleDefinition(sub: string, name: string, id: string) {
  return {
    id: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${id}`,
    name: id,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: name,
      type: 'BuiltInRole',
      description: `${name} (sandbox built-in role)`,
      assignableScopes: ['/'],
      permissions: [],
    },
  };
}

export const authorizationRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}',
    apiVersions: API,
    action: 'Microsoft.Authorization/roleAssignments/write',
    handler: async (ctx) => {
      const scope = normScope(ctx);
      const name = ctx.params.roleAssignmentName;
      if (!GUID_RE.test(name))
        throw new HttpError(
          400,
          'InvalidRoleAssignmentId',
          `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
        );
      const p = (ctx.body as { properties?: Record<string, unknown> } | undefined)?.properties;
      const roleDefinitionId = typeof p?.roleDefinitionId === 'string' ? p.roleDefinitionId : '';
      const principalId = typeof p?.principalId === 'string' ? p.principalId : '';
      if (!roleDefinitionId || !principalId)
        throw new HttpError(
          400,
          'InvalidRequestContent',
          "The role assignment needs 'properties.roleDefinitionId' and 'properties.principalId'.",
        );
      const roleGuid = roleDefinitionId.slice(roleDefinitionId.lastIndexOf('/') + 1);
      if (!GUID_RE.test(roleGuid))
        throw new HttpError(
          400,
          'InvalidRoleDefinitionId',
          `The role definition ID '${roleDefinitionId}' is not valid.`,
        );
      if (!GUID_RE.test(principalId))
        throw new HttpError(
          400,
          'InvalidPrincipalId',
          `A valid principal ID must be provided for role assignment (got '${principalId}').`,
        );
      const existing = ctx.sb.store.state.roleAssignments[name.toLowerCase()];
      const dup = allAssignments(ctx).find(
        (ra) =>
          ra.name.toLowerCase() !== name.toLowerCase() &&
          ra.principalId === principalId &&
          ra.scope.toLowerCase() === scope.toLowerCase() &&
          ra.roleDefinitionId.toLowerCase().endsWith(roleGuid.toLowerCase()),
      );
      if (dup) throw new HttpError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
      const ra: RoleAssignmentRec = {
        id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        name,
        scope,
        roleDefinitionId: roleDefinitionId.startsWith('/subscriptions/')
          ? `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`
          : roleDefinitionId,
        principalId,
        principalType: typeof p?.principalType === 'string' ? p.principalType : 'User',
        createdBy: ctx.caller.objectId,
        createdOn: existing?.createdOn ?? new Date().toISOString(),
      };
      ctx.sb.store.state.roleAssignments[name.toLowerCase()] = ra;
      await ctx.sb.store.save();
      return { status: existing ? 200 : 201, body: body(ra) };
    },
  },
  {
    method: 'GET',
    path: '/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}',
    apiVersions: API,
    action: 'Microsoft.Authorization/roleAssignments/read',
    handler: (ctx) => {
      normScope(ctx);
      const ra = allAssignments(ctx).find((r) => r.name.toLowerCase() === ctx.params.roleAssignmentName.toLowerCase());
      if (!ra)
        throw new HttpError(
          404,
          'RoleAssignmentNotFound',
          `The role assignment '${ctx.params.roleAssignmentName}' is not found.`,
        );
      return { status: 200, body: body(ra) };
    },
  },
  {
    method: 'DELETE',
    path: '/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}',
    apiVersions: API,
    action: 'Microsoft.Authorization/roleAssignments/delete',
    handler: async (ctx) => {
      normScope(ctx);
      const key = ctx.params.roleAssignmentName.toLowerCase();
      const ra = ctx.sb.store.state.roleAssignments[key];
      if (!ra) return { status: 204 };
      delete ctx.sb.store.state.roleAssignments[key];
      await ctx.sb.store.save();
      return { status: 200, body: body(ra) };
    },
  },
  {
    method: 'GET',
    path: '/{scope}/providers/Microsoft.Authorization/roleAssignments',
    apiVersions: API,
    action: 'Microsoft.Authorization/roleAssignments/read',
    handler: (ctx) => {
      const scope = normScope(ctx).toLowerCase();
      const filter = ctx.query.get('$filter') ?? '';
      const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
      const atScope = /atScope\(\)/i.test(filter);
      const list = allAssignments(ctx).filter((ra) => {
        const s = ra.scope.toLowerCase();
        const above = scope === s || scope.startsWith(`${s}/`);
        const below = s.startsWith(`${scope}/`);
        if (principal && ra.principalId.toLowerCase() !== principal.toLowerCase()) return false;
        return atScope ? above : above || below;
      });
      return { status: 200, body: { value: list.map(body) } };
    },
  },
  {
    method: 'GET',
    path: '/{scope}/providers/Microsoft.Authorization/roleDefinitions',
    apiVersions: API,
    action: 'Microsoft.Authorization/roleDefinitions/read',
    handler: (ctx) => {
      normScope(ctx);
      const want = /roleName\s+eq\s+'([^']+)'/i.exec(ctx.query.get('$filter') ?? '')?.[1];
      const sub = ctx.sb.store.state.subscriptionId;
      const defs = Object.entries(ROLE_IDS)
        .filter(([n]) => !want || n.toLowerCase() === want.toLowerCase())
        .map(([n, id]) => roleDefinition(sub, n, id));
      return { status: 200, body: { value: defs } };
    },
  },
];
