/**
 * Interactive sign-in (authorization code + PKCE, MSAL's loopback redirect), silent renewal and sign-out for one cloud.
 *
 * MSAL's acquireTokenInteractive has no timeout and no cancel: if the browser never comes back its promise never
 * settles and its loopback server keeps listening. We give it both. On cancel or timeout we reject at once and, in
 * the background, deliver an `error=access_denied` form post with the request's own `state` to MSAL's loopback
 * redirect URI (taken from the authorize URL it asked us to open). That is the message a browser would deliver when
 * the user refuses, so MSAL's promise settles and its `finally` closes the loopback server. If the URL was never
 * opened, our openBrowser throws, which also ends MSAL's call and closes the server.
 *
 * The desktop host passes `openUrl` = the system browser (no Node access, the user's own password manager and
 * conditional-access device state apply); browser mode opens a new window; the CLI prints the URL.
 */
import { request as httpRequest } from 'node:http';
import {
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type Configuration,
} from '@azure/msal-node';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { AppError } from '../../../shared/errors.ts';
import type { AzureAccount } from '../../../shared/contract/azure.ts';
import { clientIdMissing } from './clouds.ts';
import type { CloudHttp } from './http.ts';
import type { Protector } from './protector.ts';
import { ProtectedCachePlugin, tokenCachePath } from './token-cache.ts';

export type TokenKind = 'arm' | 'graph';

export interface SignInOptions {
  /** Default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  loginHint?: string;
}

export interface AuthLog {
  warn(msg: string): void;
  info?(msg: string): void;
}

export interface CloudAuthOptions {
  cloud: CloudDefinition;
  http: CloudHttp;
  dataDir: string;
  protector: Protector;
  openUrl: (url: string) => Promise<void>;
  log?: AuthLog;
  /** Called whenever the signed-in account changes or the sign-in expires. */
  onChange?: (reason: 'signedIn' | 'signedOut' | 'expired') => void;
}

const SIGNIN_ERRORS = new Set([
  'invalid_grant',
  'interaction_required',
  'login_required',
  'consent_required',
  'no_tokens_found',
  'no_account_found',
  'bad_token',
  'token_refresh_required',
]);

export function toAccount(a: AccountInfo): AzureAccount {
  const claims = (a.idTokenClaims ?? {}) as Record<string, unknown>;
  return {
    name: a.name ?? String(claims.name ?? a.username),
    username: a.username,
    tenantId: a.tenantId || String(claims.tid ?? ''),
    objectId: String(claims.oid ?? a.localAccountId),
    homeAccountId: a.homeAccountId,
  };
}

export class CloudAuth {
  readonly cloud: CloudDefinition;
  readonly cache: ProtectedCachePlugin;
  private readonly opts: CloudAuthOptions;
  private pca: PublicClientApplication | null = null;
  private pending: { controller: AbortController; promise: Promise<AzureAccount> } | null = null;
  private account: AccountInfo | null = null;
  private expiredReason: string | null = null;

  constructor(opts: CloudAuthOptions) {
    this.opts = opts;
    this.cloud = opts.cloud;
    this.cache = new ProtectedCachePlugin(tokenCachePath(opts.dataDir, opts.cloud.name), opts.protector);
  }

  private client(): PublicClientApplication {
    if (this.pca) return this.pca;
    const c = this.cloud;
    if (!c.clientId) throw clientIdMissing(c);
    const log = this.opts.log;
    const config: Configuration = {
      auth: {
        clientId: c.clientId,
        authority: `${c.authorityHost}/${c.tenant}`,
        ...(c.knownAuthorities?.length ? { knownAuthorities: c.knownAuthorities } : {}),
      },
      cache: { cachePlugin: this.cache },
      system: {
        networkClient: this.opts.http.msalNetworkModule(),
        ...(c.protocolMode === 'OIDC' ? { protocolMode: 'OIDC' as never } : {}),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message, containsPii) => {
            if (containsPii || !log) return;
            if (level <= LogLevel.Warning) log.warn(`msal: ${message}`);
          },
        },
      },
    };
    this.pca = new PublicClientApplication(config);
    return this.pca;
  }

  scopeFor(kind: TokenKind): string {
    return kind === 'arm' ? this.cloud.armScope : this.cloud.graphScope;
  }

  get signInInProgress(): boolean {
    return this.pending !== null;
  }

  get needsSignInReason(): string | null {
    return this.expiredReason;
  }

  /** The cached account (after a restart too), or null. */
  async currentAccount(): Promise<AccountInfo | null> {
    if (this.account) return this.account;
    if (!this.cloud.clientId) return null;
    const accounts = await this.client().getTokenCache().getAllAccounts();
    this.account = accounts[0] ?? null;
    return this.account;
  }

  signIn(o: SignInOptions = {}): Promise<AzureAccount> {
    if (this.pending)
      this.pending.controller.abort(new AppError('SIGNIN_CANCELLED', 'A new sign-in replaced this one.'));
    const pca = this.client();
    const controller = new AbortController();
    const timeoutMs = o.timeoutMs ?? 5 * 60_000;
    const timer = setTimeout(
      () =>
        controller.abort(
          new AppError(
            'SIGNIN_CANCELLED',
            `Sign-in did not finish within ${Math.round(timeoutMs / 1000)} seconds; try again.`,
            { reason: 'timeout' },
          ),
        ),
      timeoutMs,
    );
    const onOuterAbort = () =>
      controller.abort(new AppError('SIGNIN_CANCELLED', 'Sign-in was cancelled.', { reason: 'cancelled' }));
    if (o.signal?.aborted) onOuterAbort();
    o.signal?.addEventListener('abort', onOuterAbort, { once: true });

    let authUrl: string | null = null;
    const msal = pca.acquireTokenInteractive({
      scopes: [this.cloud.armScope],
      prompt: 'select_account',
      ...(o.loginHint ? { loginHint: o.loginHint } : {}),
      successTemplate: '<p>Signed in. You can close this window and return to the Offline Backup Console.</p>',
      errorTemplate: '<p>Sign-in did not complete: {{error}}. Return to the Offline Backup Console.</p>',
      openBrowser: async (url) => {
        if (controller.signal.aborted) throw controller.signal.reason;
        authUrl = url;
        await this.opts.openUrl(url);
      },
    });
    const aborted = new Promise<never>((_, reject) => {
      const fire = () => {
        reject(controller.signal.reason);
        if (authUrl) void releaseLoopback(authUrl);
      };
      if (controller.signal.aborted) fire();
      else controller.signal.addEventListener('abort', fire, { once: true });
    });
    msal.catch(() => undefined);
    aborted.catch(() => undefined);

    const promise = Promise.race([msal, aborted])
      .then(async (result) => {
        if (!result?.account) throw new AppError('AZURE', 'Sign-in returned no account.');
        // One signed-in account at a time: a sign-in as someone else replaces the previous account's tokens.
        const cache = pca.getTokenCache();
        for (const a of await cache.getAllAccounts())
          if (a.homeAccountId !== result.account.homeAccountId) await cache.removeAccount(a);
        this.account = result.account;
        this.expiredReason = null;
        this.opts.onChange?.('signedIn');
        return toAccount(result.account);
      })
      .catch((err) => {
        throw mapMsalError(err, this.cloud);
      })
      .finally(() => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onOuterAbort);
        if (this.pending?.controller === controller) this.pending = null;
      });
    this.pending = { controller, promise };
    return promise;
  }

  cancelSignIn(): boolean {
    if (!this.pending) return false;
    this.pending.controller.abort(new AppError('SIGNIN_CANCELLED', 'Sign-in was cancelled.', { reason: 'cancelled' }));
    return true;
  }

  async signOut(): Promise<void> {
    this.cancelSignIn();
    if (this.cloud.clientId) {
      const cache = this.client().getTokenCache();
      for (const a of await cache.getAllAccounts()) await cache.removeAccount(a);
    }
    await this.cache.erase();
    this.account = null;
    this.expiredReason = null;
    this.opts.onChange?.('signedOut');
  }

  /** Silent token from the cache, renewed with the refresh token when needed. Never interactive. */
  async getToken(kind: TokenKind, o: { forceRefresh?: boolean; signal?: AbortSignal } = {}): Promise<AccessToken> {
    const account = await this.currentAccount();
    if (!account)
      throw new AppError('SIGNIN_REQUIRED', `Not signed in to ${this.cloud.displayName}. Sign in to continue.`, {
        cloud: this.cloud.name,
      });
    try {
      const r = await this.client().acquireTokenSilent({
        account,
        scopes: [this.scopeFor(kind)],
        forceRefresh: o.forceRefresh ?? false,
      });
      if (!r?.accessToken) throw new AppError('SIGNIN_REQUIRED', 'No token was returned; sign in again.');
      return {
        token: r.accessToken,
        expiresOnTimestamp: (r.expiresOn ?? new Date(Date.now() + 60_000)).getTime(),
        tokenType: 'Bearer',
      };
    } catch (err) {
      const mapped = mapMsalError(err, this.cloud);
      if (mapped.code === 'SIGNIN_REQUIRED') {
        this.expiredReason = mapped.message;
        this.opts.onChange?.('expired');
      }
      throw mapped;
    }
  }

  /** The TokenCredential the SDK clients get: it always asks for this cloud's scope, whatever the SDK proposes. */
  credential(kind: TokenKind): TokenCredential {
    return {
      getToken: async (_scopes: string | string[], options?: GetTokenOptions) =>
        this.getToken(kind, options?.abortSignal ? { signal: options.abortSignal as AbortSignal } : {}),
    };
  }
}

/** Posts a refusal to MSAL's loopback listener so its pending call settles and the listener closes. */
async function releaseLoopback(authUrl: string): Promise<void> {
  let redirect: URL;
  let state: string | null;
  try {
    const u = new URL(authUrl);
    redirect = new URL(u.searchParams.get('redirect_uri') ?? '');
    state = u.searchParams.get('state');
  } catch {
    return;
  }
  if (!state || (redirect.hostname !== 'localhost' && redirect.hostname !== '127.0.0.1')) return;
  const body = new URLSearchParams({
    error: 'access_denied',
    error_description: 'Cancelled in the Offline Backup Console',
    state,
  }).toString();
  await new Promise<void>((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(redirect.port),
        path: '/',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

export function mapMsalError(err: unknown, cloud: CloudDefinition): AppError {
  if (err instanceof AppError) return err;
  const e = err as { errorCode?: string; errorMessage?: string; message?: string; name?: string; subError?: string };
  const code = e.errorCode ?? '';
  const msg = (e.errorMessage || e.message || String(err)).split('\n')[0].slice(0, 400);
  if (err instanceof InteractionRequiredAuthError || SIGNIN_ERRORS.has(code) || SIGNIN_ERRORS.has(e.subError ?? ''))
    return new AppError(
      'SIGNIN_REQUIRED',
      `Your sign-in to ${cloud.displayName} has expired or was revoked (${code || 'interaction required'}). Sign in again to continue.`,
      { cloud: cloud.name, msalCode: code },
    );
  if (code === 'access_denied')
    return new AppError('SIGNIN_CANCELLED', `Sign-in was refused or cancelled: ${msg}`, { msalCode: code });
  if (
    code === 'network_error' ||
    code === 'endpoints_resolution_error' ||
    /ECONNREFUSED|ENOTFOUND|certificate|self.signed/i.test(msg)
  )
    return new AppError('NETWORK', `Cannot reach the sign-in service ${cloud.authorityHost}: ${msg}`, {
      cloud: cloud.name,
      msalCode: code,
    });
  return new AppError('AZURE', `Sign-in failed (${code || e.name || 'error'}): ${msg}`, {
    cloud: cloud.name,
    msalCode: code,
  });
}
