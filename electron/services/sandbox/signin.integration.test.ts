import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PublicClientApplication, type AuthenticationResult } from '@azure/msal-node';
import type { Browser } from '@playwright/test';
import { startSandbox, type SandboxHandle } from './index.ts';
import { createCaTrustingNetworkClient } from './msal-network.ts';
import { launchSignInBrowser, openBrowserAs, type SignInOptions } from './test-signin.ts';
import { sbRequest } from './test-http.ts';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import { createCaTrustingHttpClient } from './ca-http-client.ts';

/** Scripted interactive sign-in (MSAL + Playwright on the sandbox login page) and bearer validation at ARM. */
let sb: SandboxHandle;
let browser: Browser;

beforeAll(async () => {
  [sb, browser] = await Promise.all([
    startSandbox({ azurite: false, registrationDelayMs: 0, ttl: { accessTokenSeconds: 120 } }),
    launchSignInBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await sb?.stop();
});

function msalApp(): PublicClientApplication {
  // The configuration the production code builds from the cloud definition (see README.md).
  return new PublicClientApplication({
    auth: {
      clientId: sb.cloud.clientId,
      authority: `${sb.cloud.authorityHost}/${sb.cloud.tenant}`,
      knownAuthorities: sb.cloud.knownAuthorities ?? [],
    },
    system: { networkClient: createCaTrustingNetworkClient(sb.cloud.caCertPem!) },
  });
}

async function signIn(
  pca: PublicClientApplication,
  userIndex: number,
  opts: SignInOptions = {},
): Promise<AuthenticationResult> {
  const user = sb.users[userIndex];
  // acquireTokenInteractive has no timeout of its own: impose one.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('interactive sign-in timed out')), 30_000);
  });
  try {
    return await Promise.race([
      pca.acquireTokenInteractive({
        scopes: [sb.cloud.armScope],
        openBrowser: openBrowserAs(browser, user, opts),
        successTemplate: 'Signed in.',
        errorTemplate: 'Sign-in failed: {{error}}',
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

describe('sandbox identity + ARM bearer validation', () => {
  it('signs in the Owner interactively, gets ARM and Graph tokens, and ARM accepts only its own audience', async () => {
    const pca = msalApp();
    const owner = sb.users.find((u) => u.role === 'Owner' && !u.needsConsent)!;
    const r = await signIn(pca, sb.users.indexOf(owner));
    expect(r.account?.username).toBe(owner.username);
    expect(r.account?.homeAccountId).toBe(`${owner.objectId}.${sb.tenantId}`);
    const at = claims(r.accessToken);
    expect(at).toMatchObject({
      aud: sb.armUrl,
      oid: owner.objectId,
      tid: sb.tenantId,
      upn: owner.username,
      iss: sb.issuer,
    });

    const ok = await sbRequest(`${sb.armUrl}/subscriptions?api-version=2022-12-01`, {
      token: r.accessToken,
      ca: sb.caCertPem,
    });
    expect(ok.status).toBe(200);
    expect(ok.json.value[0].subscriptionId).toBe(sb.subscriptionId);

    // Refresh token → Graph token (multi-resource refresh, as with Entra).
    const g = await pca.acquireTokenSilent({ account: r.account!, scopes: [sb.cloud.graphScope] });
    expect(claims(g.accessToken).aud).toBe(sb.graphUrl);
    const wrongAud = await sbRequest(`${sb.armUrl}/subscriptions?api-version=2022-12-01`, {
      token: g.accessToken,
      ca: sb.caCertPem,
    });
    expect(wrongAud.status).toBe(401);
    expect(wrongAud.json.error.code).toBe('InvalidAuthenticationTokenAudience');
    expect(String(wrongAud.headers['www-authenticate'])).toContain(`authorization_uri="${sb.authority}"`);
    const me = await sbRequest(`${sb.graphUrl}/v1.0/me`, { token: g.accessToken, ca: sb.caCertPem });
    expect(me.status).toBe(200);
    expect(me.json.userPrincipalName).toBe(owner.username);

    // Forced refresh still works and yields a fresh ARM token.
    const again = await pca.acquireTokenSilent({
      account: r.account!,
      scopes: [`${sb.armUrl}/.default`],
      forceRefresh: true,
    });
    expect(claims(again.accessToken).aud).toBe(sb.armUrl);
    // Short lifetimes are configurable; MSAL renews a token this close to expiry (5-minute margin) without forcing.
    expect(at.exp - at.iat).toBe(120);
    const renewed = await pca.acquireTokenSilent({ account: r.account!, scopes: [sb.cloud.armScope] });
    expect(claims(renewed.accessToken).jti).not.toBe(at.jti);

    // Expired token: move the emulator's clock past `exp` (no sleeping).
    vi.useFakeTimers({ toFake: ['Date'], now: (at.exp + 5) * 1000 });
    try {
      const expired = await sbRequest(`${sb.armUrl}/subscriptions?api-version=2022-12-01`, {
        token: r.accessToken,
        ca: sb.caCertPem,
      });
      expect(expired.status).toBe(401);
      expect(expired.json.error.code).toBe('ExpiredAuthenticationToken');
      expect(String(expired.headers['www-authenticate'])).toContain('error="invalid_token"');
    } finally {
      vi.useRealTimers();
    }

    const none = await sbRequest(`${sb.armUrl}/subscriptions?api-version=2022-12-01`, { ca: sb.caCertPem });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('AuthenticationFailed');
    const tampered = await sbRequest(`${sb.armUrl}/subscriptions?api-version=2022-12-01`, {
      token: r.accessToken.slice(0, -4) + 'AAAA',
      ca: sb.caCertPem,
    });
    expect(tampered.status).toBe(401);
    expect(tampered.json.error.code).toBe('InvalidAuthenticationToken');
  });

  it('shows the consent page to the user who needs consent, and refuses a wrong password', async () => {
    const idx = sb.users.findIndex((u) => u.needsConsent);
    await expect(signIn(msalApp(), idx, { consent: 'cancel' })).rejects.toThrow(/access_denied|declined/);
    const r = await signIn(msalApp(), idx, { consent: 'accept' });
    expect(claims(r.accessToken).oid).toBe(sb.users[idx].objectId);
    // Consent is remembered: a second sign-in that would cancel the consent page still succeeds.
    const again = await signIn(msalApp(), idx, { consent: 'cancel' });
    expect(claims(again.accessToken).oid).toBe(sb.users[idx].objectId);

    const bad = { ...sb.users[0], password: 'wrong' };
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      const { completeSignInPage } = await import('./test-signin.ts');
      const pca = msalApp();
      const url = await pca.getAuthCodeUrl({
        scopes: [sb.cloud.armScope],
        redirectUri: 'http://localhost:45678',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        codeChallengeMethod: 'S256',
      });
      await expect(completeSignInPage(page, url, bad, { timeoutMs: 10_000 })).rejects.toThrow(
        /user name or password is incorrect/,
      );
    } finally {
      await context.close();
    }
  });

  it('done-when: a signed-in user drives Import/Export through the SDK (locations, create, update, list)', async () => {
    const pca = msalApp();
    const r = await signIn(pca, 0);
    // The credential the app hands to SDK clients: silent MSAL calls for the requested scope.
    const credential: TokenCredential = {
      getToken: async (scopes) => {
        const t = await pca.acquireTokenSilent({
          account: r.account!,
          scopes: Array.isArray(scopes) ? scopes : [scopes],
        });
        return { token: t.accessToken, expiresOnTimestamp: t.expiresOn!.getTime() };
      },
    };
    const opts = { endpoint: sb.armUrl, httpClient: createCaTrustingHttpClient(sb.cloud.caCertPem!) };
    const scopes = [`${sb.armUrl}/.default`];
    const ie = new StorageImportExport(credential, sb.subscriptionId, { ...opts, credentialScopes: scopes });
    const res = new ResourceManagementClient(credential, sb.subscriptionId, { ...opts, credentials: { scopes } });
    const locations = [];
    for await (const l of ie.locations.list()) locations.push(l.name);
    expect(locations).toContain('West US');
    await res.providers.register('Microsoft.ImportExport');
    const job = await ie.jobs.create('signed-in-job', 'backup-rg', {
      location: 'West US',
      properties: {
        storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
        jobType: 'Import',
        returnAddress: {
          recipientName: 'IT',
          streetAddress1: '1 Main St',
          city: 'Redmond',
          postalCode: '98052',
          countryOrRegion: 'USA',
          phone: '4250000000',
          email: 'it@example.com',
        },
        returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123' },
        driveList: [
          {
            driveId: 'SIGNEDIN1',
            bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
            manifestFile: '\\DriveManifest.xml',
            manifestHash: '0123456789ABCDEF0123456789ABCDEF',
          },
        ],
      },
    });
    expect(job.systemData?.createdBy).toBe(sb.users[0].username);
    const updated = await ie.jobs.update('signed-in-job', 'backup-rg', {
      state: 'Shipping',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'SIGNED-1', driveCount: 1, shipDate: '2026-11-22' },
    });
    expect(updated.properties?.state).toBe('Shipping');
    const names = [];
    for await (const j of ie.jobs.listByResourceGroup('backup-rg')) names.push(j.name);
    expect(names).toContain('signed-in-job');
  });
});
