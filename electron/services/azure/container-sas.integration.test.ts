import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnonymousCredential, ContainerClient } from '@azure/storage-blob';
import type { AppError } from '../../../shared/errors.ts';
import { startSandbox, type SandboxHandle } from '../sandbox/index.ts';
import { caTrustingPipeline } from '../sandbox/blob-access.ts';
import { sandboxAccount } from '../sandbox/test-sas.ts';
import { mintToken } from '../sandbox/test-tokens.ts';
import { sbRequest } from '../sandbox/test-http.ts';
import { ensureImportSas, importPolicyId, revokeImportSas } from './container-sas.ts';

/**
 * The manifests' container SAS against the sandbox's storage account (Azurite, which checks SAS signatures, stored
 * access policies, expiry and permissions itself): what the token can and cannot do, that the policy is only ever
 * extended, that other policies and the public access level survive, the five-policy limit, and revocation.
 */
let sb: SandboxHandle;
let key: string;
const DAY = 86_400_000;

beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0 });
  const token = await mintToken(sb, sb.users[0]);
  key = (
    await sbRequest(
      `${sb.armUrl}/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/listKeys?api-version=2025-08-01`,
      { method: 'POST', token, ca: sb.caCertPem },
    )
  ).json.keys[0].value;
});
afterAll(async () => sb?.stop());

/** The container reached with nothing but the SAS value (`<container>?<token>`), as the datacenter does. */
const withSas = (value: string) => {
  const [container, token] = value.split('?');
  return new ContainerClient(
    `${sb.blobUrl}/obcseedv2/${container}?${token}`,
    caTrustingPipeline(new AnonymousCredential(), sb.caCertPem),
  );
};
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { statusCode?: number }) => e.statusCode ?? 0,
  );

describe('container SAS for the drive manifests', () => {
  it('creates the container and an rwd policy; the token writes, reads and deletes blobs of that container only, and cannot list', async () => {
    const acct = sandboxAccount(sb, key);
    const sas = await ensureImportSas(acct, {
      container: 'sas-new',
      jobName: 'sas-job',
      expiresOn: new Date(Date.now() + 10 * DAY),
    });
    expect(sas.value).toMatch(/^sas-new\?/);
    const params = new URLSearchParams(sas.value.split('?')[1]);
    expect(Object.fromEntries([...params.keys()].map((k) => [k, true]))).toEqual({
      sv: true,
      si: true,
      sr: true,
      sig: true,
    }); // permissions and expiry live in the policy
    expect(params.get('si')).toBe('obc-sas-job');
    expect(params.get('sr')).toBe('c');
    expect(sas.policyChanged).toBe(true);
    const policies = await acct.service().getContainerClient('sas-new').getAccessPolicy();
    expect(policies.signedIdentifiers).toEqual([
      { id: 'obc-sas-job', accessPolicy: expect.objectContaining({ permissions: 'rwd' }) },
    ]);
    const cc = withSas(sas.value);
    const blob = cc.getPageBlobClient('sas-job/packs/000001.pack');
    expect(await status(blob.create(1024))).toBe(200);
    expect(await status(blob.uploadPages(Buffer.alloc(512, 7), 0, 512))).toBe(200);
    expect((await blob.download()).contentLength).toBe(1024);
    expect(await status(blob.delete())).toBe(200);
    expect(await status(cc.listBlobsFlat().next())).toBe(403);
    // The same token for another container is refused (the signature covers the container).
    expect(
      await status(
        withSas(`seed?${sas.value.split('?')[1]}`)
          .getPageBlobClient('x')
          .create(512),
      ),
    ).toBe(403);
  });

  it('the same key and version give the same token; the expiry is only ever extended; policyOnly signs nothing', async () => {
    const acct = sandboxAccount(sb, key);
    const first = await ensureImportSas(acct, {
      container: 'sas-stable',
      jobName: 'stable-job',
      expiresOn: new Date(Date.now() + 20 * DAY),
    });
    const shorter = await ensureImportSas(acct, {
      container: 'sas-stable',
      jobName: 'stable-job',
      expiresOn: new Date(Date.now() + 5 * DAY),
      version: first.version,
    });
    expect(shorter.value).toBe(first.value);
    expect(shorter.expiresOn).toBe(first.expiresOn);
    expect(shorter.policyChanged).toBe(false);
    const longer = await ensureImportSas(acct, {
      container: 'sas-stable',
      jobName: 'stable-job',
      expiresOn: new Date(Date.now() + 40 * DAY),
      policyOnly: true,
    });
    expect(longer.value).toBe('');
    expect(longer.policyChanged).toBe(true);
    expect(Date.parse(longer.expiresOn)).toBeGreaterThan(Date.parse(first.expiresOn));
    // The token written before still works after the extension.
    expect(await status(withSas(first.value).getPageBlobClient('stable-job/a').create(512))).toBe(200);
  });

  it("keeps the container's other policies and its public access level; refuses a sixth policy, naming the five", async () => {
    const acct = sandboxAccount(sb, key);
    const cc = acct.service().getContainerClient('sas-shared');
    await cc.create();
    const later = new Date(Date.now() + 3 * DAY);
    await cc.setAccessPolicy('blob', [{ id: 'someone-else', accessPolicy: { permissions: 'r', expiresOn: later } }]);
    await ensureImportSas(acct, {
      container: 'sas-shared',
      jobName: 'shared-job',
      expiresOn: new Date(Date.now() + DAY),
    });
    const after = await cc.getAccessPolicy();
    expect(after.blobPublicAccess).toBe('blob');
    expect(after.signedIdentifiers.map((i) => i.id).sort()).toEqual(['obc-shared-job', 'someone-else']);
    await cc.setAccessPolicy(
      'blob',
      ['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => ({ id, accessPolicy: { permissions: 'r', expiresOn: later } })),
    );
    const err = (await ensureImportSas(acct, { container: 'sas-shared', jobName: 'sixth-job', expiresOn: later }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(
      /already has 5 stored access policies \(a1, a2, a3, a4, a5\), the most Azure allows; the import's policy obc-sixth-job cannot be added/,
    );
  });

  it("revoking deletes only the job's policy: its token is refused at once, other policies stay", async () => {
    const acct = sandboxAccount(sb, key);
    const sas = await ensureImportSas(acct, {
      container: 'sas-revoke',
      jobName: 'gone-job',
      expiresOn: new Date(Date.now() + DAY),
    });
    await ensureImportSas(acct, {
      container: 'sas-revoke',
      jobName: 'kept-job',
      expiresOn: new Date(Date.now() + DAY),
    });
    expect(await status(withSas(sas.value).getPageBlobClient('gone-job/a').create(512))).toBe(200);
    expect(await revokeImportSas(acct, { container: 'sas-revoke', jobName: 'gone-job' })).toEqual({
      revoked: true,
      policyId: 'obc-gone-job',
    });
    expect(await status(withSas(sas.value).getPageBlobClient('gone-job/b').create(512))).toBe(403);
    expect(
      (await acct.service().getContainerClient('sas-revoke').getAccessPolicy()).signedIdentifiers.map((i) => i.id),
    ).toEqual(['obc-kept-job']);
    expect(await revokeImportSas(acct, { container: 'sas-revoke', jobName: 'gone-job' })).toEqual({
      revoked: false,
      policyId: 'obc-gone-job',
    });
  });

  it("policy ids stay within Azure's 64 characters for the longest job names", () => {
    expect(importPolicyId('seed-2026')).toBe('obc-seed-2026');
    const long = `j${'x'.repeat(63)}`;
    expect(importPolicyId(long)).toHaveLength(64);
    expect(importPolicyId(long)).not.toBe(importPolicyId(`j${'x'.repeat(62)}y`));
  });
});
