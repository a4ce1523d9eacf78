import { HttpError } from './http-util.ts';
import { page, resourceNotFound, type Route, type RouteCtx } from './arm.ts';
import type { StorageAccountRec } from './state.ts';

/**
 * Microsoft.Storage: storage accounts (list / list by group / get / listKeys) and blob containers (list / get /
 * create, really created in Azurite). Each account's blob endpoint is `${blobUrl}/<account>/` (an Azurite account
 * of the same name, path-style), so `<container>/<blob>` paths are the same as in Azure.
 */
const API = [
  '2021-09-01',
  '2022-09-01',
  '2023-01-01',
  '2023-05-01',
  '2025-01-01',
  '2025-06-01',
  '2025-08-01',
  '2026-04-01',
  '2026-06-01',
  '2026-09-01',
];
const SUB = '/subscriptions/{subscriptionId}';
const ACCOUNT = `${SUB}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}`;
const CONTAINERS = `${ACCOUNT}/blobServices/default/containers`;

const CONTAINER_RE = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

export function accountBody(ctx: { sb: RouteCtx['sb'] }, a: StorageAccountRec) {
  const sub = ctx.sb.store.state.subscriptionId;
  const blob = ctx.sb.blobUrl ? `${ctx.sb.blobUrl}/${a.name}/` : '';
  return {
    id: `/subscriptions/${sub}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${a.name}`,
    name: a.name,
    type: 'Microsoft.Storage/storageAccounts',
    kind: a.kind,
    location: a.location,
    sku: { name: a.skuName, tier: 'Standard' },
    tags: {},
    properties: {
      creationTime: a.createdAt,
      primaryEndpoints: { blob: blob, dfs: blob, web: blob },
      primaryLocation: a.location,
      provisioningState: 'Succeeded',
      statusOfPrimary: 'available',
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      isHnsEnabled: false,
      ...(a.kind === 'Storage' ? {} : { accessTier: 'Hot' }),
      encryption: {
        keySource: 'Microsoft.Storage',
        services: {
          blob: { enabled: true, keyType: 'Account', lastEnabledTime: a.createdAt },
          file: { enabled: true, keyType: 'Account', lastEnabledTime: a.createdAt },
        },
      },
    },
  };
}

export function findAccount(
  ctx: RouteCtx,
  name = ctx.params.accountName,
  rg = ctx.params.resourceGroupName,
): StorageAccountRec {
  const a = ctx.sb.store.state.storageAccounts[name.toLowerCase()];
  if (!a || (rg && a.resourceGroup.toLowerCase() !== rg.toLowerCase())) {
    throw resourceNotFound(`Microsoft.Storage/storageAccounts/${name}`, rg);
  }
  return a;
}

function containerBody(
  ctx: RouteCtx,
  a: StorageAccountRec,
  c: { name: string; lastModified?: Date; etag?: string },
  full: boolean,
) {
  const sub = ctx.sb.store.state.subscriptionId;
  const base = {
    id: `/subscriptions/${sub}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${a.name}/blobServices/default/containers/${c.name}`,
    name: c.name,
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
  };
  if (!full) return base;
  return {
    ...base,
    etag: c.etag ?? '"0x0"',
    properties: {
      publicAccess: 'None',
      leaseStatus: 'Unlocked',
      leaseState: 'Available',
      lastModifiedTime: (c.lastModified ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      hasImmutabilityPolicy: false,
      hasLegalHold: false,
    },
  };
}

function accounts(ctx: RouteCtx, rg?: string) {
  return Object.values(ctx.sb.store.state.storageAccounts)
    .filter((a) => !rg || a.resourceGroup.toLowerCase() === rg.toLowerCase())
    .sort((x, y) => x.name.localeCompare(y.name))
    .map((a) => accountBody(ctx, a));
}

export const storageRoutes: Route[] = [
  {
    method: 'GET',
    path: `${SUB}/providers/Microsoft.Storage/storageAccounts`,
    apiVersions: API,
    action: 'Microsoft.Storage/storageAccounts/read',
    handler: (ctx) => ({ status: 200, body: { value: accounts(ctx) } }),
  },
  {
    method: 'GET',
    path: `${SUB}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts`,
    apiVersions: API,
    action: 'Microsoft.Storage/storageAccounts/read',
    handler: (ctx) => ({ status: 200, body: { value: accounts(ctx, ctx.params.resourceGroupName) } }),
  },
  {
    method: 'GET',
    path: ACCOUNT,
    apiVersions: API,
    action: 'Microsoft.Storage/storageAccounts/read',
    handler: (ctx) => ({ status: 200, body: accountBody(ctx, findAccount(ctx)) }),
  },
  {
    method: 'POST',
    path: `${ACCOUNT}/listKeys`,
    apiVersions: API,
    action: 'Microsoft.Storage/storageAccounts/listkeys/action',
    handler: (ctx) => {
      const a = findAccount(ctx);
      const t = a.createdAt;
      return {
        status: 200,
        body: {
          keys: a.keys.map((value, i) => ({ creationTime: t, keyName: `key${i + 1}`, permissions: 'Full', value })),
        },
      };
    },
  },
  {
    method: 'GET',
    path: CONTAINERS,
    apiVersions: API,
    action: 'Microsoft.Storage/storageAccounts/blobServices/containers/read',
    handler: async (ctx) => {
      const a = findAccount(ctx);
      const list = (await ctx.sb.listBlobContainers(a.name)).sort((x, y) => x.name.localeCompare(y.name));
      return {
        status: 200,
        body: page(
          ctx,
          list.map((c) => containerBody(ctx, a, c, true)),
          { topParam: '$maxpagesize', max: 5000 },
        ),
      };
    },
  },
  {
    method: 'GET',
    path: `${CONTAINERS}/{containerName}`,
    apiVersions: API,
    action: 'Microsoft.Storage/storageAccounts/blobServices/containers/read',
    handler: async (ctx) => {
      const a = findAccount(ctx);
      const c = (await ctx.sb.listBlobContainers(a.name)).find((x) => x.name === ctx.params.containerName);
      if (!c)
        throw new HttpError(
          404,
          'ContainerNotFound',
          `The specified container '${ctx.params.containerName}' does not exist.`,
        );
      return { status: 200, body: containerBody(ctx, a, c, true) };
    },
  },
  {
    method: 'PUT',
    path: `${CONTAINERS}/{containerName}`,
    apiVersions: API,
    action: 'Microsoft.Storage/storageAccounts/blobServices/containers/write',
    handler: async (ctx) => {
      const a = findAccount(ctx);
      const name = ctx.params.containerName;
      if (!CONTAINER_RE.test(name) || name.includes('--')) {
        throw new HttpError(
          400,
          'ContainerOperationFailure',
          `The specified resource name '${name}' is invalid: a container name is 3-63 lowercase letters, digits and hyphens, starts with a letter or digit, and every hyphen sits between letters or digits.`,
        );
      }
      const created = await ctx.sb.createBlobContainer(a.name, name);
      return { status: created ? 201 : 200, body: containerBody(ctx, a, { name }, false) };
    },
  },
];
