import { readFile, stat } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureTestEnv, type AzureTestEnv } from './test-azure-env.ts';
import { tokenCachePath } from './token-cache.ts';

/** Interactive sign-in (Playwright on the sandbox login page), silent renewal, cancel/timeout, expiry, sign-out. */
let env: AzureTestEnv;

beforeAll(async () => {
  // 60 s access tokens: shorter than MSAL's 5-minute renewal window, so every token request renews silently.
  env = await startAzureTestEnv({ azurite: false, ttl: { accessTokenSeconds: 60 } });
});
afterAll(async () => {
  await env?.close();
});

async function until<T>(f: () => T | undefined | null | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function loopbackPort(authUrl: string): number {
  return Number(new URL(new URL(authUrl).searchParams.get('redirect_uri')!).port);
}

async function revokeRefreshTokens(cacheJson: string): Promise<number> {
  const cache = JSON.parse(cacheJson) as { RefreshToken?: Record<string, { secret: string }> };
  const tokens = Object.values(cache.RefreshToken ?? {}).map((t) => t.secret);
  for (const token of tokens) {
    const body = new URLSearchParams({
      token,
      token_type_hint: 'refresh_token',
      client_id: env.sb.clientId,
    }).toString();
    await new Promise<void>((resolve, reject) => {
      const req = httpsRequest(
        `${env.sb.issuer}/token/revocation`,
        { method: 'POST', ca: env.sb.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`revocation answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  return tokens.length;
}

describe('sign-in against the sandbox identity server', () => {
  it('signs in interactively, shows the account, keeps the cache encrypted, renews silently, survives a restart', async () => {
    const owner = env.sb.users[0];
    env.as.user = owner;
    const svc = await env.service();
    const st = await svc.signIn({ timeoutMs: 30_000 });
    expect(st.signedIn).toBe(true);
    expect(st.account).toMatchObject({
      username: owner.username,
      name: owner.displayName,
      objectId: owner.objectId,
      tenantId: env.sb.tenantId,
    });
    expect(st.protection).toMatch(/0600|NTFS/);
    expect(svc.events.some((e) => e.signedIn)).toBe(true);

    const { auth } = await svc.session_();
    const t1 = await auth.getToken('arm');
    const t2 = await auth.getToken('arm');
    expect(t2.token).not.toBe(t1.token); // renewed silently with the refresh token
    const g = await auth.getToken('graph');
    expect(JSON.parse(Buffer.from(g.token.split('.')[1], 'base64url').toString()).aud).toBe(env.sb.graphUrl);

    const path = tokenCachePath(svc.dataDir, 'LocalSandbox');
    const raw = await readFile(path);
    expect(raw.includes(Buffer.from(t2.token.slice(-40)))).toBe(false);
    expect(raw.includes(Buffer.from('RefreshToken'))).toBe(false);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);

    // A new process (new service, same data dir) is signed in from the encrypted cache and can call ARM.
    env.as.user = null;
    const again = await env.service({ dataDir: svc.dataDir });
    expect((await again.status()).account?.objectId).toBe(owner.objectId);
    const subs = await again.subscriptions();
    expect(subs.map((s) => s.subscriptionId)).toContain(env.sb.subscriptionId);
    expect(env.as.opened.length).toBe(1);
  });

  it('Cancel ends the interactive call within seconds and closes the loopback listener', async () => {
    env.as.user = null; // the sign-in page is opened and left alone, like a window the user closed
    const svc = await env.service();
    const before = env.as.opened.length;
    const p = svc.signIn({ timeoutMs: 120_000 });
    p.catch(() => undefined);
    const url = await until(() => env.as.opened[before]);
    const port = loopbackPort(url);
    expect(await portOpen(port)).toBe(true);
    expect((await svc.status()).signInInProgress).toBe(true);
    const t0 = Date.now();
    expect(await svc.cancelSignIn()).toBe(true);
    await expect(p).rejects.toMatchObject({ code: 'SIGNIN_CANCELLED' });
    expect(Date.now() - t0).toBeLessThan(3000);
    // MSAL's own promise settles too: its listener goes away.
    const end = Date.now() + 5000;
    while ((await portOpen(port)) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    expect(await portOpen(port)).toBe(false);
    expect((await svc.status()).signInInProgress).toBe(false);
  });

  it('times out on its own and closes the loopback listener', async () => {
    env.as.user = null;
    const svc = await env.service();
    const before = env.as.opened.length;
    const p = svc.signIn({ timeoutMs: 1500 });
    p.catch(() => undefined);
    const url = await until(() => env.as.opened[before]);
    await expect(p).rejects.toMatchObject({
      code: 'SIGNIN_CANCELLED',
      message: expect.stringMatching(/did not finish within 2 seconds|within 1 seconds|within/),
    });
    const port = loopbackPort(url);
    const end = Date.now() + 5000;
    while ((await portOpen(port)) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    expect(await portOpen(port)).toBe(false);
  });

  it('a revoked sign-in mid-operation fails with SIGNIN_REQUIRED, and signing in again continues', async () => {
    env.as.user = env.sb.users[0];
    const svc = await env.service();
    await svc.signIn({ timeoutMs: 30_000 });
    expect((await svc.subscriptions()).length).toBeGreaterThan(0);
    const { auth } = await svc.session_();
    const plain = (await svc.protector.unprotect(await readFile(auth.cache.path))).toString('utf8');
    expect(await revokeRefreshTokens(plain)).toBeGreaterThan(0);

    const err = await svc.subscriptions().catch((e) => e);
    expect(err).toMatchObject({ code: 'SIGNIN_REQUIRED' });
    expect(err.message).toMatch(/Sign in again/);
    const st = await svc.status();
    expect(st.signedIn).toBe(false);
    expect(st.needsSignIn).toMatch(/expired or was revoked/);
    expect(svc.events.some((e) => e.needsSignIn)).toBe(true);

    // A longer operation pauses on SIGNIN_REQUIRED, asks to sign in again, and continues after the sign-in.
    const paused: string[] = [];
    let resumed = 0;
    const op = svc.withSignIn(() => svc.subscriptions(), { onPause: (r) => paused.push(r), onResume: () => resumed++ });
    await until(() => paused.length === 1);
    expect(paused[0]).toMatch(/Sign in again/);
    await svc.signIn({ timeoutMs: 30_000 });
    expect((await op).map((s) => s.subscriptionId)).toContain(env.sb.subscriptionId);
    expect(resumed).toBe(1);
    expect((await svc.status()).signedIn).toBe(true);

    // Giving up (cancel) ends the pause with the original error.
    const plain2 = (await svc.protector.unprotect(await readFile(auth.cache.path))).toString('utf8');
    await revokeRefreshTokens(plain2);
    const ac = new AbortController();
    const op2 = svc.withSignIn(() => svc.subscriptions(), { signal: ac.signal, onPause: () => ac.abort() });
    await expect(op2).rejects.toMatchObject({ code: 'SIGNIN_REQUIRED' });
  });

  it('signing in as someone else replaces the previous account, also after a restart', async () => {
    env.as.user = env.sb.users[0];
    const svc = await env.service();
    await svc.signIn({ timeoutMs: 30_000 });
    const reader = env.sb.users.find((u) => u.role === 'Reader')!;
    env.as.user = reader;
    expect((await svc.signIn({ timeoutMs: 30_000 })).account?.username).toBe(reader.username);
    const again = await env.service({ dataDir: svc.dataDir });
    expect((await again.status()).account?.username).toBe(reader.username);
  });

  it('sign-out clears the cache; later calls ask to sign in', async () => {
    env.as.user = env.sb.users[0];
    const svc = await env.service();
    await svc.signIn({ timeoutMs: 30_000 });
    const st = await svc.signOut();
    expect(st.signedIn).toBe(false);
    await expect(stat(tokenCachePath(svc.dataDir, 'LocalSandbox'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(svc.subscriptions()).rejects.toMatchObject({ code: 'SIGNIN_REQUIRED' });
  });

  it('a public cloud without a configured client id refuses with the explanation', async () => {
    const svc = await env.service({ settings: () => ({ cloud: 'AzurePublic' }) });
    await expect(svc.signIn()).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/Application \(client\) ID/),
    });
    const st = await svc.status();
    expect(st).toMatchObject({ clientIdConfigured: false, clientIdSource: 'unset', signedIn: false });
  });
});
