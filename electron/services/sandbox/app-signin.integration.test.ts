import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { startSandbox, type SandboxHandle } from './index.ts';
import { createCaTrustingNetworkClient } from './msal-network.ts';
import { createLocalCertificate } from '../azure/cert.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';

/**
 * SPEC decision 2 in the sandbox: an application registered through the Graph emulator, with a certificate key
 * credential and a service principal, signs in unattended (client credentials + certificate assertion, MSAL
 * ConfidentialClientApplication) and is authorized by its own role assignments.
 */
let sb: SandboxHandle;
beforeAll(async () => {
  sb = await startSandbox({ azurite: false, registrationDelayMs: 0 });
});
afterAll(async () => {
  await sb?.stop();
});

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

describe('application sign-in (client credentials with a certificate)', () => {
  it('issues app tokens for Graph-registered apps and applies their role assignments', async () => {
    const owner = await mintToken(sb, sb.users[0]);
    const graphToken = await mintToken(sb, sb.users[0], { audience: sb.graphUrl });
    const graph = (path: string, method = 'GET', body?: unknown) =>
      sbRequest(`${sb.graphUrl}/v1.0${path}`, { method, body, token: graphToken, ca: sb.caCertPem });
    const arm = (token: string, path: string, method = 'GET', body?: unknown) =>
      sbRequest(`${sb.armUrl}${path}`, { method, body, token, ca: sb.caCertPem });

    const cert = await createLocalCertificate('test');
    const app = (
      await graph('/applications', 'POST', {
        displayName: `AzureOfflineBackup_${sb.users[0].objectId}`,
        keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDerBase64 }],
      })
    ).json;
    const cca = () =>
      new ConfidentialClientApplication({
        auth: {
          clientId: app.appId,
          authority: `${sb.cloud.authorityHost}/${sb.tenantId}`,
          knownAuthorities: sb.cloud.knownAuthorities ?? [],
          clientCertificate: {
            thumbprintSha256: cert.thumbprintSha256,
            privateKey: cert.privateKeyPem,
            x5c: cert.certPem,
          },
        },
        system: { networkClient: createCaTrustingNetworkClient(sb.caCertPem) },
      });
    // No service principal yet: no token.
    await expect(cca().acquireTokenByClientCredential({ scopes: [`${sb.armUrl}/.default`] })).rejects.toThrow(
      /invalid_client/,
    );
    const sp = (await graph('/servicePrincipals', 'POST', { appId: app.appId })).json;

    const r = await cca().acquireTokenByClientCredential({ scopes: [`${sb.armUrl}/.default`] });
    const c = claims(r!.accessToken);
    expect(c).toMatchObject({
      aud: sb.armUrl,
      oid: sp.id,
      tid: sb.tenantId,
      appid: app.appId,
      idtyp: 'app',
      iss: sb.issuer,
    });
    const g = await cca().acquireTokenByClientCredential({ scopes: [`${sb.graphUrl}/.default`] });
    expect(claims(g!.accessToken).aud).toBe(sb.graphUrl);

    // Without a role the app sees no subscription and cannot read jobs; Reader on the group lets it read there.
    const appToken = r!.accessToken;
    expect((await arm(appToken, '/subscriptions?api-version=2022-12-01')).json.value).toEqual([]);
    const jobs = `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01`;
    await arm(
      owner,
      `/subscriptions/${sb.subscriptionId}/providers/Microsoft.ImportExport/register?api-version=2025-04-01`,
      'POST',
    );
    const denied = await arm(appToken, jobs);
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toContain(`The client '${app.appId}'`);
    const ra = await arm(
      owner,
      `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      'PUT',
      {
        properties: {
          roleDefinitionId: `/subscriptions/${sb.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f6fb9462f8c7`,
          principalId: sp.id,
          principalType: 'ServicePrincipal',
        },
      },
    );
    expect(ra.status).toBe(201);
    expect((await arm(appToken, jobs)).status).toBe(200);
    expect((await arm(appToken, '/subscriptions?api-version=2022-12-01')).json.value).toHaveLength(1);
    expect(
      (
        await arm(
          appToken,
          `/subscriptions/${sb.subscriptionId}/resourceGroups/archive-rg/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01`,
        )
      ).status,
    ).toBe(403);

    // A certificate that is not on the application is refused.
    const other = await createLocalCertificate('other');
    const stranger = new ConfidentialClientApplication({
      auth: {
        clientId: app.appId,
        authority: `${sb.cloud.authorityHost}/${sb.tenantId}`,
        knownAuthorities: sb.cloud.knownAuthorities ?? [],
        clientCertificate: { thumbprintSha256: other.thumbprintSha256, privateKey: other.privateKeyPem },
      },
      system: { networkClient: createCaTrustingNetworkClient(sb.caCertPem) },
    });
    await expect(stranger.acquireTokenByClientCredential({ scopes: [`${sb.armUrl}/.default`] })).rejects.toThrow(
      /invalid_client/,
    );
  });
});
