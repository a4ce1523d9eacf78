import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import type { JWK } from 'jose';
import { findUserById, findUserByName, type SandboxUser } from './users.ts';
import { readForm, sendHtml } from './http-util.ts';
import { adapterFactory, type AppLookup } from './app-clients.ts';

/**
 * The sandbox identity server: oidc-provider with an Entra-shaped issuer `https://localhost:PORT/<tenant>/v2.0`,
 * one native public client (auth code + PKCE, loopback redirect on any port), seeded users on a login page,
 * JWT access tokens whose audience is the ARM or Graph endpoint (resource indicators), refresh tokens.
 */
export interface IdentityTtl {
  accessTokenSeconds: number;
  idTokenSeconds: number;
  refreshTokenSeconds: number;
}

export interface IdentityConfig {
  /** https://localhost:PORT (no trailing slash). */
  baseUrl: string;
  tenantId: string;
  clientId: string;
  armEndpoint: string;
  graphEndpoint: string;
  /** The blob endpoint, the sandbox's storage resource (app tokens for blob data; absent without Azurite). */
  storageEndpoint?: string;
  signingJwk: JWK;
  cookieKeys: string[];
  ttl: IdentityTtl;
  /**
   * Plain-http origin (http://localhost:PORT) serving the same sign-in pages. Discovery then advertises it as the
   * authorization endpoint, so the user's browser shows the login page without a certificate warning, while MSAL
   * still talks to the https authority (discovery, token) trusting the sandbox CA.
   */
  browserBaseUrl?: string;
  /** Users who accepted the consent page (kept in the sandbox state so consent is asked once). */
  consent?: { has(objectId: string): boolean; add(objectId: string): Promise<void> };
  /** Graph applications as confidential clients (client credentials + certificate), see app-clients.ts. */
  apps?: AppLookup;
}

export interface IdentityServer {
  issuer: string;
  authority: string;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export function armScopes(arm: string): string[] {
  return [`${arm}/user_impersonation`, `${arm}/.default`];
}

export function storageScopes(storage: string): string[] {
  return [`${storage}/user_impersonation`, `${storage}/.default`];
}

export function graphScopes(graph: string): string[] {
  return ['User.Read', 'Application.ReadWrite.All', 'Directory.Read.All', '.default'].map((s) => `${graph}/${s}`);
}

const OIDC_SCOPES = 'openid profile offline_access email';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}
input{padding:.5rem}button{padding:.6rem;background:#0f6cbd;color:#fff;border:0}.err{color:#b10e1c}.note{color:#555;font-size:.9rem}</style>
</head><body><h1>${esc(title)}</h1>${body}<p class="note">Offline Backup Console · Local sandbox identity (not Microsoft Entra ID)</p></body></html>`;
}

function loginPage(uid: string, error?: string, username = ''): string {
  return page(
    'Sign in to the local sandbox',
    `${error ? `<p class="err" id="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="username">User name</label><input id="username" name="username" type="text" value="${esc(username)}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password">
<button id="signin" type="submit">Sign in</button></form>`,
  );
}

function consentPage(uid: string, user: SandboxUser, clientId: string): string {
  return page(
    'Permissions requested',
    `<p>${esc(user.displayName)} (${esc(user.username)}): the app <b>${esc(clientId)}</b> asks to access Azure Resource Manager and
Microsoft Graph on your behalf, and to keep that access (offline_access).</p>
<form method="post" action="/interaction/${esc(uid)}/consent"><button id="accept" name="decision" value="accept" type="submit">Accept</button>
<button id="cancel" name="decision" value="cancel" type="submit" style="background:#666">Cancel</button></form>`,
  );
}

export function createIdentity(cfg: IdentityConfig): IdentityServer {
  const prefix = `/${cfg.tenantId}/v2.0`;
  const issuer = `${cfg.baseUrl}${prefix}`;
  const arm = cfg.armEndpoint;
  const graph = cfg.graphEndpoint;
  const storage = cfg.storageEndpoint;
  const memory = new Set<string>();
  const consented = cfg.consent ?? {
    has: (id: string) => memory.has(id),
    add: async (id: string) => void memory.add(id),
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: cfg.clientId,
        client_name: 'Offline Backup Console',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://localhost', 'http://127.0.0.1'],
      },
    ],
    adapter: adapterFactory(cfg.apps),
    jwks: { keys: [cfg.signingJwk] },
    cookies: { keys: cfg.cookieKeys },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { openid: ['sub', 'oid', 'tid'], profile: ['name', 'preferred_username', 'upn'], email: ['email'] },
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    ttl: {
      AccessToken: cfg.ttl.accessTokenSeconds,
      ClientCredentials: cfg.ttl.accessTokenSeconds,
      IdToken: cfg.ttl.idTokenSeconds,
      RefreshToken: cfg.ttl.refreshTokenSeconds,
      AuthorizationCode: 120,
      Interaction: 600,
      Session: 3600,
      Grant: cfg.ttl.refreshTokenSeconds,
    },
    rotateRefreshToken: false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Authorization: every sign-in covers both resources (Entra refresh tokens are multi-resource too).
        // Token endpoint: pick the resource by the requested scope (MSAL sends scopes, never `resource`).
        defaultResource: async (
          ctx: { oidc: { body?: Record<string, unknown>; params?: Record<string, unknown> } },
          _client: unknown,
          oneOf?: string[],
        ) => {
          const scope = String(ctx.oidc.body?.scope ?? ctx.oidc.params?.scope ?? '').split(' ');
          const wanted = scope.some((s) => s.startsWith(`${graph}/`))
            ? graph
            : storage && scope.some((s) => s.startsWith(`${storage}/`))
              ? storage
              : arm;
          if (!oneOf) return ctx.oidc.body?.grant_type === 'client_credentials' ? wanted : [arm, graph];
          return oneOf.includes(wanted) ? wanted : oneOf[0];
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== arm && resource !== graph && resource !== storage)
            throw new Error(`unknown resource ${resource}`);
          return {
            scope: (resource === arm
              ? armScopes(arm)
              : resource === graph
                ? graphScopes(graph)
                : storageScopes(resource)
            ).join(' '),
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: cfg.ttl.accessTokenSeconds,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    findAccount: async (_ctx: unknown, id: string) => {
      const u = findUserById(id);
      if (!u) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: u.objectId,
          oid: u.objectId,
          tid: cfg.tenantId,
          name: u.displayName,
          preferred_username: u.username,
          upn: u.username,
          email: u.username,
        }),
      };
    },
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string; clientId?: string; scope?: string }) => {
      if (!token.accountId && token.clientId && token.clientId !== cfg.clientId) {
        // An application token (client credentials): Entra's app-only claims.
        const app = cfg.apps?.(token.clientId);
        if (!app) return undefined;
        return {
          oid: app.principalId,
          tid: cfg.tenantId,
          appid: app.appId,
          azp: app.appId,
          idtyp: 'app',
          name: app.displayName,
        };
      }
      const u = token.accountId ? findUserById(token.accountId) : undefined;
      if (!u) return undefined;
      const scp = (token.scope ?? '')
        .split(' ')
        .filter((s) => s.includes('/'))
        .map((s) => s.slice(s.lastIndexOf('/') + 1));
      return {
        oid: u.objectId,
        tid: cfg.tenantId,
        upn: u.username,
        preferred_username: u.username,
        name: u.displayName,
        scp: scp.join(' '),
      };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        `<p class="err" id="error">${esc(out.error ?? 'error')}: ${esc(out.error_description ?? '')}</p>`,
      );
    },
  });
  provider.proxy = false;

  // Sandbox-only adjustments (see ENVIRONMENT.md): MSAL never sends `prompt`, and oidc-provider drops
  // offline_access (no refresh token) unless consent is prompted; the sign-in also asks for both resources' scopes.
  provider.use(
    async (
      ctx: {
        mountPath?: string;
        path: string;
        method: string;
        query: Record<string, string>;
        body?: Record<string, unknown>;
        oidc?: { route?: string; entities?: { Account?: { accountId: string } } };
      },
      next: () => Promise<void>,
    ) => {
      ctx.mountPath = prefix; // as koa-mount would: URLs the provider builds keep the /<tenant>/v2.0 prefix
      if (ctx.path === '/auth' && ctx.method === 'GET') {
        const q = { ...ctx.query };
        const prompts = new Set(
          String(q.prompt ?? '')
            .split(' ')
            .filter(Boolean),
        );
        if (prompts.delete('select_account')) prompts.add('login');
        prompts.delete('none');
        prompts.add('consent');
        q.prompt = [...prompts].join(' ');
        const scopes = new Set(
          String(q.scope ?? '')
            .split(' ')
            .filter(Boolean),
        );
        for (const s of [...OIDC_SCOPES.split(' '), ...armScopes(arm), ...graphScopes(graph)]) scopes.add(s);
        q.scope = [...scopes].join(' ');
        ctx.query = q;
      }
      await next();
      if (cfg.browserBaseUrl && ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
        ctx.body.authorization_endpoint = `${cfg.browserBaseUrl}${prefix}/auth`;
      }
      if (ctx.oidc?.route === 'token' && ctx.body && typeof ctx.body === 'object' && 'access_token' in ctx.body) {
        // Entra's client_info lets MSAL build the home account id `<oid>.<tid>`.
        const payload = JSON.parse(
          Buffer.from(String(ctx.body.access_token).split('.')[1], 'base64url').toString('utf8'),
        );
        if (payload.oid)
          ctx.body.client_info = Buffer.from(JSON.stringify({ uid: payload.oid, utid: cfg.tenantId })).toString(
            'base64url',
          );
      }
    },
  );

  const callback = provider.callback();

  async function finishFor(
    req: IncomingMessage,
    res: ServerResponse,
    user: SandboxUser,
    params: { client_id: string },
  ): Promise<void> {
    const grant = new provider.Grant({ accountId: user.objectId, clientId: params.client_id });
    grant.addOIDCScope(OIDC_SCOPES);
    grant.addOIDCClaims(['sub', 'oid', 'tid', 'name', 'preferred_username', 'upn', 'email']);
    grant.addResourceScope(arm, armScopes(arm).join(' '));
    grant.addResourceScope(graph, graphScopes(graph).join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.objectId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  async function interaction(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    action: string | undefined,
  ): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (!action && req.method === 'GET') {
      const accountId = details.session?.accountId as string | undefined;
      const user = accountId ? findUserById(accountId) : undefined;
      if (user && details.prompt.name !== 'login') {
        if (user.needsConsent && !consented.has(user.objectId))
          return sendHtml(res, 200, consentPage(uid, user, details.params.client_id));
        return finishFor(req, res, user, details.params);
      }
      return sendHtml(res, 200, loginPage(uid));
    }
    const form = await readForm(req);
    if (action === 'login') {
      const user = findUserByName(form.username ?? '');
      if (!user || user.password !== form.password) {
        return sendHtml(res, 200, loginPage(uid, 'The user name or password is incorrect.', form.username ?? ''));
      }
      if (user.needsConsent && !consented.has(user.objectId)) {
        // Remember who signed in; the consent page finishes the interaction.
        await provider.interactionResult(
          req,
          res,
          { login: { accountId: user.objectId } },
          { mergeWithLastSubmission: false },
        );
        pendingConsent.set(uid, user);
        return sendHtml(res, 200, consentPage(uid, user, details.params.client_id));
      }
      return finishFor(req, res, user, details.params);
    }
    if (action === 'consent') {
      const user =
        pendingConsent.get(uid) ?? (details.session?.accountId ? findUserById(details.session.accountId) : undefined);
      if (!user) return sendHtml(res, 200, loginPage(uid, 'Sign in first.'));
      pendingConsent.delete(uid);
      if (form.decision !== 'accept') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'The user declined the requested permissions.' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      await consented.add(user.objectId);
      return finishFor(req, res, user, details.params);
    }
    sendHtml(res, 404, page('Not found', ''));
  }
  const pendingConsent = new Map<string, SandboxUser>();

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|consent))?\/?(?:\?.*)?$/.exec(url);
    if (m) {
      interaction(req, res, m[1], m[2]).catch((err: Error) => {
        if (!res.headersSent)
          sendHtml(res, 400, page('Sign-in error', `<p class="err" id="error">${esc(err.message)}</p>`));
      });
      return;
    }
    if (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`)) {
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
      req.url = url.slice(prefix.length) || '/';
      callback(req, res);
      return;
    }
    sendHtml(
      res,
      404,
      page(
        'Not found',
        `<p>${esc(url)} is not a sandbox identity endpoint. Authority: ${esc(`${cfg.baseUrl}/${cfg.tenantId}`)}</p>`,
      ),
    );
  }

  return { issuer, authority: `${cfg.baseUrl}/${cfg.tenantId}`, handle };
}
