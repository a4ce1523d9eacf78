import { randomUUID } from 'node:crypto';
import { importX509, jwtVerify } from 'jose';
import { HttpError } from './http-util.ts';
import type { Route, RouteCtx } from './arm.ts';
import { findUserById } from './users.ts';
import type { GraphAppRec } from './state.ts';

/**
 * Microsoft Graph v1.0 (the Entra application step): /me, applications (create, list with
 * `$filter=displayName eq '…'`, get with `$select=keyCredentials`, PATCH keyCredentials, addKey, delete) and
 * servicePrincipals (create, list with `$filter=appId eq '…'`). Plain reads return keyCredentials with `key: null`
 * (as Graph does); only `$select=keyCredentials` on one application returns the keys.
 */
type Obj = Record<string, unknown>;
const V = '/v1.0';

const ctxUrl = (ctx: RouteCtx, path: string) => `${ctx.sb.graphUrl}/v1.0/$metadata#${path}`;

function appBody(a: GraphAppRec, withKeys: boolean) {
  return {
    id: a.id,
    appId: a.appId,
    displayName: a.displayName,
    createdDateTime: a.createdDateTime,
    signInAudience: a.signInAudience,
    keyCredentials: a.keyCredentials.map((k) => ({ ...k, key: withKeys ? (k.key ?? null) : null })),
    passwordCredentials: [],
  };
}

function findApp(ctx: RouteCtx): GraphAppRec {
  const a = ctx.sb.store.state.applications[ctx.params.id.toLowerCase()];
  if (!a)
    throw new HttpError(
      404,
      'Request_ResourceNotFound',
      `Resource '${ctx.params.id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  return a;
}

function filterEq(ctx: RouteCtx, field: string): string | undefined {
  const f = ctx.query.get('$filter');
  if (!f) return undefined;
  const m = new RegExp(`^\\s*${field}\\s+eq\\s+'((?:[^']|'')*)'\\s*$`, 'i').exec(f);
  if (!m)
    throw new HttpError(
      400,
      'Request_UnsupportedQuery',
      `Unsupported query: '${f}' (the sandbox supports ${field} eq '…').`,
    );
  return m[1].replace(/''/g, "'");
}

function normalizeKey(k: Obj, now: string): Obj {
  if (k.type !== 'AsymmetricX509Cert')
    throw new HttpError(
      400,
      'Request_BadRequest',
      `keyCredentials: only type 'AsymmetricX509Cert' is supported (got '${String(k.type)}').`,
    );
  if (k.usage !== 'Verify')
    throw new HttpError(
      400,
      'Request_BadRequest',
      `keyCredentials: usage must be 'Verify' for certificates (got '${String(k.usage)}').`,
    );
  if (typeof k.key !== 'string' || !k.key)
    throw new HttpError(
      400,
      'Request_BadRequest',
      'keyCredentials: key (base64 DER certificate) is required for a new credential.',
    );
  return {
    customKeyIdentifier: k.customKeyIdentifier ?? null,
    displayName: k.displayName ?? null,
    endDateTime: k.endDateTime ?? new Date(Date.now() + 365 * 864e5).toISOString(),
    key: k.key,
    keyId: typeof k.keyId === 'string' && k.keyId ? k.keyId : randomUUID(),
    startDateTime: k.startDateTime ?? now,
    type: k.type,
    usage: k.usage,
  };
}

/** Graph's rule: existing credentials (by keyId) may be re-sent only unchanged; new ones are added. */
function mergeKeys(a: GraphAppRec, sent: unknown): Obj[] {
  if (!Array.isArray(sent)) throw new HttpError(400, 'Request_BadRequest', 'keyCredentials must be an array.');
  const now = new Date().toISOString();
  return sent.map((k: Obj) => {
    const old = typeof k.keyId === 'string' ? a.keyCredentials.find((x) => x.keyId === k.keyId) : undefined;
    if (old) {
      if (k.key !== old.key)
        throw new HttpError(
          400,
          'Request_BadRequest',
          `Update to existing credential with KeyId '${String(k.keyId)}' is not allowed.`,
        );
      return old;
    }
    return normalizeKey(k, now);
  });
}

async function verifyProof(a: GraphAppRec, proof: unknown): Promise<void> {
  if (typeof proof !== 'string' || !proof)
    throw new HttpError(400, 'Request_BadRequest', 'addKey needs a proof-of-possession token (proof).');
  for (const k of a.keyCredentials) {
    const der = String(k.key ?? '');
    if (!der) continue;
    try {
      const pem = `-----BEGIN CERTIFICATE-----\n${der.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----`;
      const key = await importX509(pem, 'RS256');
      await jwtVerify(proof, key, { audience: '00000002-0000-0000-c000-000000000000', issuer: a.id });
      return;
    } catch {
      /* try the next certificate */
    }
  }
  throw new HttpError(
    401,
    'Authorization_RequestDenied',
    "Insufficient privileges to complete the operation: the proof is not signed by one of the application's current certificates.",
  );
}

export const graphRoutes: Route[] = [
  {
    method: 'GET',
    path: `${V}/me`,
    action: 'Graph/me/read',
    handler: (ctx) => {
      const u = findUserById(ctx.caller.objectId);
      return {
        status: 200,
        body: {
          '@odata.context': ctxUrl(ctx, 'users/$entity'),
          id: ctx.caller.objectId,
          displayName: u?.displayName ?? ctx.caller.name,
          userPrincipalName: ctx.caller.upn,
          mail: ctx.caller.upn,
          givenName: u?.displayName.split(' ')[0] ?? null,
          surname: u?.displayName.split(' ').slice(1).join(' ') ?? null,
          jobTitle: u ? `Sandbox ${u.role}` : null,
          businessPhones: [],
          officeLocation: null,
          preferredLanguage: 'en-US',
          mobilePhone: null,
        },
      };
    },
  },
  {
    method: 'GET',
    path: `${V}/applications`,
    action: 'Graph/applications/read',
    handler: (ctx) => {
      const name = filterEq(ctx, 'displayName');
      const apps = Object.values(ctx.sb.store.state.applications).filter(
        (a) => name === undefined || a.displayName === name,
      );
      return {
        status: 200,
        body: { '@odata.context': ctxUrl(ctx, 'applications'), value: apps.map((a) => appBody(a, false)) },
      };
    },
  },
  {
    method: 'POST',
    path: `${V}/applications`,
    action: 'none',
    handler: async (ctx) => {
      const b = (ctx.body ?? {}) as Obj;
      if (typeof b.displayName !== 'string' || !b.displayName.trim())
        throw new HttpError(400, 'Request_BadRequest', "The property 'displayName' is required.");
      const now = new Date().toISOString();
      const a: GraphAppRec = {
        id: randomUUID(),
        appId: randomUUID(),
        displayName: b.displayName,
        createdDateTime: now,
        signInAudience: typeof b.signInAudience === 'string' ? b.signInAudience : 'AzureADMyOrg',
        keyCredentials: [],
        passwordCredentials: [],
        ownerId: ctx.caller.objectId,
      };
      if (b.keyCredentials !== undefined) a.keyCredentials = mergeKeys(a, b.keyCredentials);
      ctx.sb.store.state.applications[a.id] = a;
      await ctx.sb.store.save();
      return { status: 201, body: { '@odata.context': ctxUrl(ctx, 'applications/$entity'), ...appBody(a, false) } };
    },
  },
  {
    method: 'GET',
    path: `${V}/applications/{id}`,
    action: 'Graph/applications/read',
    handler: (ctx) => {
      const a = findApp(ctx);
      const select = (ctx.query.get('$select') ?? '').split(',').map((s) => s.trim());
      if (select.includes('keyCredentials')) {
        const full = appBody(a, true);
        const picked: Obj = { '@odata.context': ctxUrl(ctx, 'applications(keyCredentials)/$entity') };
        for (const f of select) if (f in full) picked[f] = (full as Obj)[f];
        return { status: 200, body: picked };
      }
      return { status: 200, body: { '@odata.context': ctxUrl(ctx, 'applications/$entity'), ...appBody(a, false) } };
    },
  },
  {
    method: 'PATCH',
    path: `${V}/applications/{id}`,
    action: 'none',
    handler: async (ctx) => {
      const a = findApp(ctx);
      const b = (ctx.body ?? {}) as Obj;
      if (b.keyCredentials !== undefined) a.keyCredentials = mergeKeys(a, b.keyCredentials);
      if (typeof b.displayName === 'string') a.displayName = b.displayName;
      await ctx.sb.store.save();
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    path: `${V}/applications/{id}`,
    action: 'none',
    handler: async (ctx) => {
      const a = findApp(ctx);
      delete ctx.sb.store.state.applications[a.id];
      await ctx.sb.store.save();
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: `${V}/applications/{id}/addKey`,
    action: 'none',
    handler: async (ctx) => {
      const a = findApp(ctx);
      const b = (ctx.body ?? {}) as Obj;
      await verifyProof(a, b.proof);
      if (typeof b.keyCredential !== 'object' || b.keyCredential === null)
        throw new HttpError(400, 'Request_BadRequest', 'addKey needs keyCredential.');
      const k = normalizeKey(b.keyCredential as Obj, new Date().toISOString());
      a.keyCredentials.push(k);
      await ctx.sb.store.save();
      return { status: 200, body: { '@odata.context': ctxUrl(ctx, 'microsoft.graph.keyCredential'), ...k, key: null } };
    },
  },
  {
    method: 'GET',
    path: `${V}/servicePrincipals`,
    action: 'Graph/servicePrincipals/read',
    handler: (ctx) => {
      const appId = filterEq(ctx, 'appId');
      const sps = Object.values(ctx.sb.store.state.servicePrincipals).filter(
        (s) => appId === undefined || s.appId === appId,
      );
      return { status: 200, body: { '@odata.context': ctxUrl(ctx, 'servicePrincipals'), value: sps } };
    },
  },
  {
    method: 'POST',
    path: `${V}/servicePrincipals`,
    action: 'none',
    handler: async (ctx) => {
      const appId = String((ctx.body as Obj | undefined)?.appId ?? '');
      const app = Object.values(ctx.sb.store.state.applications).find((a) => a.appId === appId);
      if (!app)
        throw new HttpError(
          400,
          'Request_BadRequest',
          `The appId '${appId}' of the service principal does not reference a valid application object.`,
        );
      if (Object.values(ctx.sb.store.state.servicePrincipals).some((s) => s.appId === appId)) {
        throw new HttpError(
          409,
          'Request_MultipleObjectsWithSameKeyValue',
          'The service principal cannot be created, updated, or restored because the service principal name is already in use.',
        );
      }
      const sp = {
        id: randomUUID(),
        appId,
        displayName: app.displayName,
        servicePrincipalType: 'Application',
        accountEnabled: true,
      };
      ctx.sb.store.state.servicePrincipals[sp.id] = sp;
      await ctx.sb.store.save();
      return { status: 201, body: { '@odata.context': ctxUrl(ctx, 'servicePrincipals/$entity'), ...sp } };
    },
  },
];
