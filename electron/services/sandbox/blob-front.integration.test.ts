import { randomUUID } from 'node:crypto';
import {
  ContainerClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { caTrustingPipeline } from './blob-access.ts';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from './index.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';

/**
 * The blob data-plane front (blob-front.ts) on the wire: Entra tokens checked as Azure Storage checks them, the blob
 * data roles looked up in the role assignments, Azure's error codes; Shared Key requests pass through to Azurite.
 */
let sb: SandboxHandle;
let sub: string;
const account = 'obcseedv2';
beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0 });
  sub = `/subscriptions/${sb.subscriptionId}`;
}, 60_000);
afterAll(async () => {
  await sb?.stop();
});

const V = { 'x-ms-version': '2025-11-05' };
/** One blob request with a raw body (sbRequest sends JSON). */
const blob = (
  path: string,
  token: string,
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> =>
  new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${sb.blobUrl}/${account}/${path}`,
      {
        method,
        ca: sb.caCertPem,
        headers: {
          ...V,
          authorization: `Bearer ${token}`,
          'content-length': String(Buffer.byteLength(body ?? '')),
          ...(body !== undefined ? { 'x-ms-blob-type': 'BlockBlob' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body ?? '');
  });

async function assign(principalId: string, roleGuid: string, scope: string): Promise<string> {
  const name = randomUUID();
  const r = await sbRequest(
    `${sb.armUrl}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
    {
      method: 'PUT',
      token: await mintToken(sb, sb.users[0]),
      ca: sb.caCertPem,
      body: {
        properties: {
          roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
          principalId,
        },
      },
    },
  );
  expect(r.status).toBe(201);
  return name;
}

describe('blob front', () => {
  it('checks the token: expired, wrong audience, wrong issuer → 401 InvalidAuthenticationInfo with a challenge', async () => {
    const u = sb.users[0];
    const cases: Array<[string, string]> = [
      [
        await mintToken(sb, u, { audience: sb.blobUrl, expiresInSeconds: -30 }),
        'Lifetime validation failed. The token is expired.',
      ],
      [await mintToken(sb, u, { audience: sb.armUrl }), 'Audience validation failed. Audience did not match.'],
      [
        await mintToken(sb, u, { audience: sb.blobUrl, issuer: 'https://login.example/other/v2.0' }),
        'Issuer validation failed. Issuer did not match.',
      ],
    ];
    for (const [token, detail] of cases) {
      const r = await blob('?comp=list', token);
      expect(r.status).toBe(401);
      expect(r.headers['x-ms-error-code']).toBe('InvalidAuthenticationInfo');
      expect(r.text).toContain(`<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>`);
      expect(r.headers['www-authenticate']).toContain(
        `Bearer authorization_uri=${sb.authority}/oauth2/authorize resource_id=${sb.blobUrl}`,
      );
    }
  });

  it('lets a principal in only with a blob data role at or above the container, with the role’s rights', async () => {
    const u = sb.users[0];
    const token = await mintToken(sb, u, { audience: sb.blobUrl });
    const acct = `${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/${account}`;
    // The subscription Owner has no data role: refused, as in Azure.
    const r = await blob('front-a?restype=container', token, 'PUT');
    expect(r.status).toBe(403);
    expect(r.headers['x-ms-error-code']).toBe('AuthorizationPermissionMismatch');
    expect(r.text).toContain('This request is not authorized to perform this operation using this permission.');

    const owner = await assign(u.objectId, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', acct); // Storage Blob Data Owner
    expect((await blob('front-a?restype=container', token, 'PUT')).status).toBe(201);
    expect((await blob('front-b?restype=container', token, 'PUT')).status).toBe(201);
    await sbRequest(
      `${sb.armUrl}${acct}/providers/Microsoft.Authorization/roleAssignments/${owner}?api-version=2022-04-01`,
      { method: 'DELETE', token: await mintToken(sb, u), ca: sb.caCertPem },
    );

    await assign(u.objectId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', `${acct}/blobServices/default/containers/front-a`); // Contributor on front-a
    expect((await blob('front-a/x.txt', token, 'PUT', 'hello')).status).toBe(201);
    expect((await blob('front-a/x.txt', token)).text).toBe('hello');
    expect((await blob('front-b/x.txt', token, 'PUT', 'hello')).status).toBe(403);
    // Listing the account's containers is an account-level read: a container-scoped role does not give it.
    expect((await blob('?comp=list', token)).status).toBe(403);

    await assign(u.objectId, '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', acct); // Reader on the account
    expect((await blob('?comp=list', token)).status).toBe(200);
    expect((await blob('front-b/x.txt', token, 'PUT', 'no')).status).toBe(403);
    expect((await blob('front-a/x.txt', token, 'DELETE')).status).toBe(202);
  });

  it('passes Shared Key and anonymous requests through to Azurite, which judges them', async () => {
    const r = await sbRequest(`${sb.blobUrl}/${account}?comp=list`, { ca: sb.caCertPem, headers: V });
    // Azurite's own answer to an unsigned request on a private account.
    expect([401, 403]).toContain(r.status);
    expect(r.headers['x-ms-error-code']).not.toBe('AuthorizationPermissionMismatch');
  });

  it('answers a SAS Azurite cannot authenticate as Azure does: 403 AuthenticationFailed, with the time frame when expired', async () => {
    const keys = await sbRequest(
      `${sb.armUrl}${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/${account}/listKeys?api-version=2026-09-01`,
      { method: 'POST', token: await mintToken(sb, sb.users[0]), ca: sb.caCertPem },
    );
    const cred = new StorageSharedKeyCredential(account, keys.json.keys[0].value);
    const byKey = new ContainerClient(`${sb.blobUrl}/${account}/front-sas`, caTrustingPipeline(cred, sb.caCertPem));
    await byKey.create();
    const list = async (q: string) => {
      const r = await sbRequest(`${sb.blobUrl}/${account}/front-sas?restype=container&comp=list&${q}`, {
        ca: sb.caCertPem,
        headers: V,
      });
      return { status: r.status, code: r.headers['x-ms-error-code'], text: r.text };
    };
    const sas = (o: { expiresOn?: Date; identifier?: string }) =>
      generateBlobSASQueryParameters(
        {
          containerName: 'front-sas',
          ...(o.identifier
            ? { identifier: o.identifier }
            : { permissions: ContainerSASPermissions.parse('rl'), expiresOn: o.expiresOn! }),
        },
        cred,
      ).toString();
    expect((await list(sas({ expiresOn: new Date(Date.now() + 3600_000) }))).status).toBe(200);

    const expiresOn = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const expired = await list(sas({ expiresOn }));
    expect(expired).toMatchObject({ status: 403, code: 'AuthenticationFailed' });
    expect(expired.text).toContain(
      '<Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
    );
    expect(expired.text).toMatch(
      new RegExp(
        `<AuthenticationErrorDetail>Signature not valid in the specified time frame: Start \\[\\] - Expiry \\[${expiresOn.toUTCString()}\\] - Current \\[[^\\]]+ GMT\\]</AuthenticationErrorDetail>`,
      ),
    );

    // A stored access policy removed from the container revokes the SAS signed against it.
    await byKey.setAccessPolicy(undefined, [
      { id: 'front-policy', accessPolicy: { permissions: 'rl', expiresOn: new Date(Date.now() + 3600_000) } },
    ]);
    const viaPolicy = sas({ identifier: 'front-policy' });
    expect((await list(viaPolicy)).status).toBe(200);
    await byKey.setAccessPolicy(undefined, []);
    const revoked = await list(viaPolicy);
    expect(revoked).toMatchObject({ status: 403, code: 'AuthenticationFailed' });
    expect(revoked.text).toContain('<AuthenticationErrorDetail>Signature did not match.</AuthenticationErrorDetail>');
    // A SAS without the permission stays Azurite's (and Azure's) AuthorizationPermissionMismatch.
    const narrow = await sbRequest(
      `${sb.blobUrl}/${account}/front-sas/x.txt?${generateBlobSASQueryParameters({ containerName: 'front-sas', permissions: ContainerSASPermissions.parse('r'), expiresOn: new Date(Date.now() + 3600_000) }, cred).toString()}`,
      { method: 'DELETE', ca: sb.caCertPem, headers: V },
    );
    expect(narrow.status).toBe(403);
    expect(narrow.headers['x-ms-error-code']).toBe('AuthorizationPermissionMismatch');
  });
});
