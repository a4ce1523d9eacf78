import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  StorageSharedKeyCredential,
  generateAccountSASQueryParameters,
} from '@azure/storage-blob';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { accessOf, blobScope, dataAccessAllowed } from './blob-rbac.ts';
import type { StateStore } from './state.ts';
import { DEVSTORE_ACCOUNT, DEVSTORE_KEY } from './azurite.ts';

/**
 * The sandbox's blob endpoint: a small data-plane front in front of Azurite. Azurite's own OAuth mode knows only
 * Microsoft's issuers, so a Microsoft Entra (here: the sandbox identity server's) bearer token is checked here, as
 * Azure Storage checks it — signature against the identity server's keys, issuer, audience (the sandbox's storage
 * resource, `storageAudience`), expiry — and the principal's blob data role is looked up in the sandbox's role
 * assignments (blob-rbac.ts). An accepted request goes on to Azurite without the token and with a short-lived
 * account SAS of the account instead; a refused one gets Azure's answer (401 InvalidAuthenticationInfo with a
 * WWW-Authenticate challenge, 403 AuthorizationPermissionMismatch). Shared Key and SAS requests pass through:
 * Azurite checks those itself (signatures, expiry, stored access policies); a SAS it cannot authenticate comes back
 * as Azure's 403 AuthenticationFailed (`sasRefused`).
 */
export interface BlobFrontOptions {
  /** Azurite's own https origin (the sandbox CA signs both). */
  upstream: string;
  caCertPem: string;
  store: StateStore;
  jwks: JSONWebKeySet;
  issuer: string;
  /** Authority for the challenge's authorization_uri (`https://localhost:PORT/<tenant>`). */
  authority: string;
  /** The audience storage tokens carry (the front's own origin: the sandbox's storage resource). */
  storageAudience: string;
}

const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>';
const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function storageError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  detail?: string,
  headers: Record<string, string> = {},
): void {
  const requestId = randomUUID();
  const body =
    `${XML_HEAD}<Error><Code>${code}</Code><Message>${esc(message)}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message>` +
    `${detail ? `<AuthenticationErrorDetail>${esc(detail)}</AuthenticationErrorDetail>` : ''}</Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(body)),
    'x-ms-error-code': code,
    'x-ms-request-id': requestId,
    ...headers,
  });
  res.end(body);
}

/** `/<account>/<container>/<blob…>` (path-style, as Azurite serves the sandbox's accounts). */
function splitPath(pathname: string): { account: string; container: string | null } {
  const [account = '', container = ''] = pathname.replace(/^\/+/, '').split('/');
  return { account: decodeURIComponent(account), container: container ? decodeURIComponent(container) : null };
}

/**
 * Azurite refuses every SAS it cannot authenticate (bad signature, expired, stored access policy gone) with 403
 * AuthorizationFailure; Azure answers 403 AuthenticationFailed with a detail. The expiry case says the time frame as
 * Azure does; the others say the signature did not match (Azure adds the string to sign, which is left out here).
 */
function sasRefused(res: ServerResponse, q: URLSearchParams): void {
  const http = (v: string | null) => (v && !Number.isNaN(Date.parse(v)) ? new Date(Date.parse(v)).toUTCString() : '');
  const se = q.get('se');
  const expired = se !== null && Date.parse(se) <= Date.now();
  const detail = expired
    ? `Signature not valid in the specified time frame: Start [${http(q.get('st'))}] - Expiry [${http(se)}] - Current [${new Date().toUTCString()}]`
    : 'Signature did not match.';
  storageError(
    res,
    403,
    'AuthenticationFailed',
    'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
    detail,
  );
}

export function createBlobFront(o: BlobFrontOptions): {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): void;
} {
  const keys = createLocalJWKSet(o.jwks);
  const agent = new Agent({ ca: o.caCertPem, keepAlive: true });
  const up = new URL(o.upstream);
  const sasCache = new Map<string, { sas: string; until: number }>();
  const audience = o.storageAudience.replace(/\/+$/, '');

  const keyOf = (account: string): string | null => {
    if (account === DEVSTORE_ACCOUNT) return DEVSTORE_KEY;
    return o.store.state.storageAccounts[account.toLowerCase()]?.keys[0] ?? null;
  };

  /** A SAS of the whole account, valid 10 minutes, renewed after 5: how an accepted token's request reaches Azurite. */
  const accountSas = (account: string, key: string): string => {
    const now = Date.now();
    const hit = sasCache.get(account);
    if (hit && hit.until > now) return hit.sas;
    const sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(now + 10 * 60_000),
        startsOn: new Date(now - 5 * 60_000),
        permissions: AccountSASPermissions.parse('rwdxylacuptfi'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      new StorageSharedKeyCredential(account, key),
    ).toString();
    sasCache.set(account, { sas, until: now + 5 * 60_000 });
    return sas;
  };

  const challenge = (error: string, description: string) => ({
    'www-authenticate': `Bearer authorization_uri=${o.authority}/oauth2/authorize resource_id=${audience} error="${error}", error_description="${description}"`,
  });

  /** Checks the bearer token and the principal's data role; answers and returns null when refused. */
  const authorize = async (req: IncomingMessage, res: ServerResponse, token: string, url: URL): Promise<boolean> => {
    const refuse401 = (detail: string) =>
      storageError(
        res,
        401,
        'InvalidAuthenticationInfo',
        'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
        detail,
        challenge('invalid_token', detail),
      );
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, { issuer: o.issuer, clockTolerance: 0 }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired)
        return (refuse401('Lifetime validation failed. The token is expired.'), false);
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iss')
        return (refuse401('Issuer validation failed. Issuer did not match.'), false);
      return (refuse401(`Signature validation failed. ${(err as Error).message}`), false);
    }
    const aud = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map((a) => String(a ?? '').replace(/\/+$/, ''));
    if (!aud.includes(audience)) return (refuse401('Audience validation failed. Audience did not match.'), false);
    const { account, container } = splitPath(url.pathname);
    const scope = blobScope(o.store.state, account, container);
    const principal = String(claims.oid ?? '');
    const access = accessOf(req.method ?? 'GET', url.searchParams);
    if (!scope || !principal || !dataAccessAllowed(o.store.state, principal, scope, access)) {
      storageError(
        res,
        403,
        'AuthorizationPermissionMismatch',
        'This request is not authorized to perform this operation using this permission.',
      );
      return false;
    }
    return true;
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    dropAuthorization: boolean,
    sas?: URLSearchParams,
  ) => {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: up.host };
    if (dropAuthorization) delete headers.authorization;
    delete headers.connection;
    const out = httpsRequest(
      { protocol: up.protocol, hostname: up.hostname, port: up.port, method: req.method, path, headers, agent },
      (upRes) => {
        if (sas && upRes.statusCode === 403 && upRes.headers['x-ms-error-code'] === 'AuthorizationFailure') {
          upRes.resume();
          return sasRefused(res, sas);
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    out.on('error', (err) => {
      if (res.headersSent) res.destroy();
      else storageError(res, 503, 'ServerBusy', `The sandbox's storage (Azurite) did not answer: ${err.message}`);
    });
    req.on('aborted', () => out.destroy());
    req.pipe(out);
  };

  const run = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://front.invalid');
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return forward(req, res, req.url ?? '/', false, url.searchParams.has('sig') ? url.searchParams : undefined);
    const { account } = splitPath(url.pathname);
    const key = keyOf(account);
    if (!key)
      return storageError(res, 400, 'InvalidUri', `The storage account '${account}' does not exist in the sandbox.`);
    // Drain nothing yet: the body streams on to Azurite once the token is accepted.
    req.pause();
    if (!(await authorize(req, res, m[1], url))) return void req.resume();
    const sas = accountSas(account.toLowerCase(), key);
    const path = `${url.pathname}${url.search ? `${url.search}&` : '?'}${sas}`;
    forward(req, res, path, true);
    req.resume();
  };

  return {
    handle(req, res) {
      run(req, res).catch((err: Error) => {
        if (res.headersSent) res.destroy();
        else storageError(res, 500, 'InternalError', `The sandbox's blob front failed: ${err.message}`);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
