import { HttpError } from './http-util.ts';
import { hasAnyAccess, type Route, type RouteCtx, type SandboxContext } from './arm.ts';
import type { RegistrationState } from './state.ts';

/** Microsoft.Resources: subscriptions, resource groups, resource providers. */
const SUBS_API = ['2016-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01'];
const RES_API = [
  '2019-10-01',
  '2020-06-01',
  '2021-04-01',
  '2022-09-01',
  '2024-03-01',
  '2024-07-01',
  '2025-03-01',
  '2025-04-01',
];

/** Providers known to the sandbox and their resource types; ImportExport and DataBox start unregistered. */
const PROVIDERS: Record<
  string,
  { namespace: string; initial: RegistrationState; types: Array<{ resourceType: string; apiVersions: string[] }> }
> = {
  'microsoft.importexport': {
    namespace: 'Microsoft.ImportExport',
    initial: 'NotRegistered',
    types: [
      { resourceType: 'jobs', apiVersions: ['2021-01-01', '2020-08-01', '2016-11-01'] },
      { resourceType: 'locations', apiVersions: ['2021-01-01', '2020-08-01', '2016-11-01'] },
      { resourceType: 'operations', apiVersions: ['2021-01-01', '2020-08-01', '2016-11-01'] },
    ],
  },
  'microsoft.databox': {
    namespace: 'Microsoft.DataBox',
    initial: 'NotRegistered',
    types: [{ resourceType: 'jobs', apiVersions: ['2025-02-01', '2024-03-01-preview', '2022-12-01', '2021-03-01'] }],
  },
  'microsoft.storage': {
    namespace: 'Microsoft.Storage',
    initial: 'Registered',
    types: [
      {
        resourceType: 'storageAccounts',
        apiVersions: ['2026-09-01', '2025-08-01', '2025-06-01', '2025-01-01', '2023-05-01'],
      },
    ],
  },
  'microsoft.authorization': {
    namespace: 'Microsoft.Authorization',
    initial: 'Registered',
    types: [{ resourceType: 'roleAssignments', apiVersions: ['2022-04-01', '2020-10-01-preview', '2015-07-01'] }],
  },
  'microsoft.resources': {
    namespace: 'Microsoft.Resources',
    initial: 'Registered',
    types: [{ resourceType: 'resourceGroups', apiVersions: RES_API }],
  },
};

/** Current registration state, advancing Registering → Registered after the configured delay. */
export function providerState(sb: SandboxContext, ns: string): RegistrationState {
  const key = ns.toLowerCase();
  const def = PROVIDERS[key];
  const rec = sb.store.state.providers[key];
  if (!rec) return def?.initial ?? 'NotRegistered';
  if (rec.state === 'Registering' && Date.now() - Date.parse(rec.changedAt) >= sb.registrationDelayMs) {
    rec.state = 'Registered';
    rec.changedAt = new Date().toISOString();
    // Read paths cannot wait for the save; the state in memory is already right and the next save writes it, so a
    // failure is logged rather than left as an unhandled rejection in the process that hosts the sandbox.
    sb.store.save().catch((err: unknown) => console.error(`Sandbox: saving the registration of ${ns} failed:`, err));
  }
  return rec.state;
}

/** ARM's refusal when a resource provider is not registered for the subscription. */
export function requireRegistered(sb: SandboxContext, ns: string): void {
  if (providerState(sb, ns) !== 'Registered') {
    throw new HttpError(
      409,
      'MissingSubscriptionRegistration',
      `The subscription is not registered to use namespace '${PROVIDERS[ns.toLowerCase()]?.namespace ?? ns}'. See https://aka.ms/rps-not-found for how to register subscriptions.`,
    );
  }
}

function subscriptionBody(sb: SandboxContext) {
  const s = sb.store.state;
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: 'Local sandbox subscription',
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
    tags: {},
  };
}

function providerBody(sb: SandboxContext, key: string) {
  const def = PROVIDERS[key];
  return {
    id: `/subscriptions/${sb.store.state.subscriptionId}/providers/${def.namespace}`,
    namespace: def.namespace,
    registrationPolicy: 'RegistrationRequired',
    registrationState: providerState(sb, key),
    resourceTypes: def.types.map((t) => ({
      resourceType: t.resourceType,
      locations: ['West US', 'East US', 'West Europe'],
      apiVersions: t.apiVersions,
      capabilities: 'SupportsTags, SupportsLocation',
    })),
  };
}

function providerKey(ctx: RouteCtx): string {
  const key = ctx.params.providerNamespace.toLowerCase();
  if (!PROVIDERS[key])
    throw new HttpError(
      404,
      'InvalidResourceNamespace',
      `The resource namespace '${ctx.params.providerNamespace}' is invalid.`,
    );
  return key;
}

function rgBody(sb: SandboxContext, key: string) {
  const rg = sb.store.state.resourceGroups[key];
  return {
    id: `/subscriptions/${sb.store.state.subscriptionId}/resourceGroups/${rg.name}`,
    name: rg.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: rg.location,
    ...(rg.tags ? { tags: rg.tags } : {}),
    properties: { provisioningState: 'Succeeded' },
  };
}

const SUB = '/subscriptions/{subscriptionId}';

export const resourcesRoutes: Route[] = [
  {
    method: 'GET',
    path: '/subscriptions',
    apiVersions: SUBS_API,
    action: 'Microsoft.Resources/subscriptions/read',
    handler: ({ sb, caller }) => ({
      status: 200,
      body: { value: hasAnyAccess(sb, caller.objectId) ? [subscriptionBody(sb)] : [] },
    }),
  },
  {
    method: 'GET',
    path: SUB,
    apiVersions: SUBS_API,
    action: 'Microsoft.Resources/subscriptions/read',
    handler: ({ sb }) => ({ status: 200, body: subscriptionBody(sb) }),
  },
  {
    method: 'GET',
    path: `${SUB}/resourcegroups`,
    apiVersions: RES_API,
    action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
    handler: ({ sb }) => ({
      status: 200,
      body: {
        value: Object.keys(sb.store.state.resourceGroups)
          .sort()
          .map((k) => rgBody(sb, k)),
      },
    }),
  },
  {
    method: 'GET',
    path: `${SUB}/resourcegroups/{resourceGroupName}`,
    apiVersions: RES_API,
    action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
    handler: ({ sb, params }) => ({ status: 200, body: rgBody(sb, params.resourceGroupName.toLowerCase()) }),
  },
  {
    method: 'PUT',
    path: `${SUB}/resourcegroups/{rgName}`,
    apiVersions: RES_API,
    action: 'Microsoft.Resources/subscriptions/resourceGroups/write',
    handler: async ({ sb, params, body }) => {
      const name = params.rgName;
      if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith('.')) {
        throw new HttpError(
          400,
          'InvalidResourceGroup',
          `The provided resource group name '${name}' has these invalid characters or length: it must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and not end with '.'.`,
        );
      }
      const b = (body ?? {}) as { location?: string; tags?: Record<string, string> };
      if (!b.location)
        throw new HttpError(400, 'LocationRequired', 'The location property is required for this definition.');
      const key = name.toLowerCase();
      const existed = !!sb.store.state.resourceGroups[key];
      sb.store.state.resourceGroups[key] = {
        name: existed ? sb.store.state.resourceGroups[key].name : name,
        location: b.location,
        ...(b.tags ? { tags: b.tags } : {}),
        createdAt: new Date().toISOString(),
      };
      await sb.store.save();
      return { status: existed ? 200 : 201, body: rgBody(sb, key) };
    },
  },
  {
    method: 'GET',
    path: `${SUB}/providers`,
    apiVersions: RES_API,
    action: 'Microsoft.Resources/subscriptions/providers/read',
    handler: ({ sb }) => ({ status: 200, body: { value: Object.keys(PROVIDERS).map((k) => providerBody(sb, k)) } }),
  },
  {
    method: 'GET',
    path: `${SUB}/providers/{providerNamespace}`,
    apiVersions: RES_API,
    action: 'Microsoft.Resources/subscriptions/providers/read',
    handler: (ctx) => ({ status: 200, body: providerBody(ctx.sb, providerKey(ctx)) }),
  },
  {
    method: 'POST',
    path: `${SUB}/providers/{providerNamespace}/register`,
    apiVersions: RES_API,
    action: 'Microsoft.Resources/subscriptions/providers/register/action',
    handler: async (ctx) => {
      const key = providerKey(ctx);
      const cur = providerState(ctx.sb, key);
      if (cur !== 'Registered' && cur !== 'Registering') {
        ctx.sb.store.state.providers[key] = { state: 'Registering', changedAt: new Date().toISOString() };
        await ctx.sb.store.save();
      }
      const body = providerBody(ctx.sb, key);
      // The register answer itself still reads Registering (as Azure's does), even with no delay configured.
      if (cur !== 'Registered') body.registrationState = 'Registering';
      return { status: 200, body };
    },
  },
];
