import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureTestEnv, type AzureTestEnv } from './test-azure-env.ts';
import { swaggerReview } from '../sandbox/test-swagger.ts';
import { collect } from './errors.ts';
import { credentialRecordPath, ensureEntraApp, loadCredentialRecord, unprotectPrivateKey } from './entra-app.ts';
import { GraphClient, type GraphKeyCredential } from './graph.ts';

/** SPEC decision 2 against the sandbox's Graph + RBAC: first machine, rerun, second machine, user lacking rights. */
let env: AzureTestEnv;
let sub: string;
const target = () => ({ subscriptionId: sub, resourceGroup: 'backup-rg', accountName: 'obcseedv2' });

beforeAll(async () => {
  env = await startAzureTestEnv({ azurite: false });
  sub = env.sb.subscriptionId;
});
afterAll(async () => {
  await env?.close();
});

describe('Entra application AzureOfflineBackup_<user object id>', () => {
  it('first machine: creates the app with a local certificate, the service principal and both role assignments; rerun changes nothing', async () => {
    const owner = env.sb.users[0];
    env.as.user = owner;
    const svc = await env.service({ machineName: 'server-a' });
    await svc.signIn({ timeoutMs: 30_000 });
    env.sb.faults.add({ kind: 'throttle', surface: 'graph', count: 1, retryAfterSeconds: 0 });
    const r = await svc.ensureEntraApp(target());
    expect(r).toMatchObject({
      displayName: `AzureOfflineBackup_${owner.objectId}`,
      createdApplication: true,
      addedCredential: true,
      otherCredentials: 0,
    });
    expect(r.roleAssignments).toEqual([
      {
        role: 'Storage Blob Data Contributor',
        scope: `/subscriptions/${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
        created: true,
      },
      { role: 'Reader', scope: `/subscriptions/${sub}/resourceGroups/backup-rg`, created: true },
    ]);

    // The role assignments really exist at ARM, for the service principal.
    const { clients } = await svc.session_();
    const ras = await collect(
      clients.authorization(sub).roleAssignments.listForScope(r.roleAssignments[0].scope, {
        filter: `principalId eq '${r.servicePrincipalId}'`,
      }),
    );
    expect(
      ras.some(
        (a) =>
          a.principalId === r.servicePrincipalId &&
          a.roleDefinitionId?.endsWith('ba92f5b4-2d11-453d-a403-e96b0029c9fe'),
      ),
    ).toBe(true);

    // The private key is kept protected on this machine and matches the certificate registered with Entra.
    const path = credentialRecordPath(svc.dataDir, 'LocalSandbox', owner.objectId);
    const raw = await readFile(path, 'utf8');
    expect(raw).not.toMatch(/PRIVATE KEY/);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    const rec = (await loadCredentialRecord(path))!;
    expect(rec).toMatchObject({ appId: r.appId, keyId: r.keyId, registered: true });
    const pem = await unprotectPrivateKey(rec, svc.protector);
    const cert = new X509Certificate(rec.certPem);
    expect(cert.subject).toMatch(/CB_AzureADCertforOfflineSeeding_/);
    expect(createPublicKey(createPrivateKey(pem)).export({ format: 'pem', type: 'spki' })).toBe(
      cert.publicKey.export({ format: 'pem', type: 'spki' }),
    );

    const again = await svc.ensureEntraApp(target());
    expect(again).toMatchObject({ appId: r.appId, keyId: r.keyId, createdApplication: false, addedCredential: false });
    expect(again.roleAssignments.every((x) => !x.created)).toBe(true);
  });

  it('second machine: adds its own credential without removing the first', async () => {
    const owner = env.sb.users[0];
    env.as.user = owner;
    const svc = await env.service({ machineName: 'server-b' });
    await svc.signIn({ timeoutMs: 30_000 });
    const r = await svc.ensureEntraApp({ ...target(), jobResourceGroup: 'backup-rg' });
    expect(r).toMatchObject({ createdApplication: false, addedCredential: true, otherCredentials: 1 });
    expect(r.roleAssignments.every((x) => !x.created)).toBe(true);
    const { graph } = await svc.session_();
    const keys = await graph.getKeyCredentials(r.applicationObjectId);
    expect(keys).toHaveLength(2);
    expect(keys.map((k) => k.keyId)).toContain(r.keyId);
  });

  it('explains the "Update to existing credential with KeyId … is not allowed" refusal and removes nothing', async () => {
    const owner = env.sb.users[0];
    env.as.user = owner;
    const svc = await env.service({ machineName: 'server-c' });
    await svc.signIn({ timeoutMs: 30_000 });
    const s = await svc.session_();
    // An account to which Graph does not return the existing certificates' `key` values (as a plain GET does).
    class KeylessGraph extends GraphClient {
      override async getKeyCredentials(id: string): Promise<GraphKeyCredential[]> {
        return (await super.getKeyCredentials(id)).map((k) => ({ ...k, key: null }));
      }
    }
    const graph = new KeylessGraph(s.auth, s.http);
    const err = await ensureEntraApp(
      { clients: s.clients, graph, protector: svc.protector, dataDir: svc.dataDir },
      target(),
      'server-c',
    ).catch((e) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect(err.message).toMatch(/Update to existing credential with KeyId … is not allowed/);
    expect(err.message).toMatch(/Nothing was removed/);
    expect(await readFile(err.details.certificatePath, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    expect(
      await s.graph.getKeyCredentials(
        (await s.graph.findApplicationByName(`AzureOfflineBackup_${owner.objectId}`))!.id,
      ),
    ).toHaveLength(2);
  });

  it('an interrupted credential upload is reported, and the next run finishes it with the same certificate', async () => {
    const owner = env.sb.users[0];
    env.as.user = owner;
    const svc = await env.service({ machineName: 'server-d', http: { retry: { maxRetries: 1, baseDelayMs: 5 } } });
    await svc.signIn({ timeoutMs: 30_000 });
    env.sb.faults.add({ kind: 'error500', surface: 'graph', method: 'PATCH', count: 4 });
    const err = await svc.ensureEntraApp(target()).catch((e) => e);
    expect(err).toMatchObject({ code: 'AZURE' });
    expect(err.message).toMatch(/Add this machine's certificate credential.*run this step again/);
    env.sb.faults.clear();
    const rec = (await loadCredentialRecord(credentialRecordPath(svc.dataDir, 'LocalSandbox', owner.objectId)))!;
    expect(rec.registered).toBe(false);
    const r = await svc.ensureEntraApp(target());
    expect(r).toMatchObject({ addedCredential: true, keyId: rec.keyId, thumbprint: rec.thumbprint });
  });

  it('a user lacking rights is told which role is missing', async () => {
    const reader = env.sb.users.find((u) => u.role === 'Reader')!;
    env.as.user = reader;
    const svc = await env.service({ machineName: 'server-r' });
    await svc.signIn({ timeoutMs: 30_000 });
    const err = await svc.ensureEntraApp(target()).catch((e) => e);
    expect(err).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(err.message).toMatch(/Owner|User Access Administrator|Application Developer/);
    expect(err.message).toContain(reader.username);
    expect(err.details.missingRole).toBeTruthy();
  });

  it('every request of these flows and every answer kept to the official swagger of its api-version', () => {
    const r = swaggerReview(env.exchanges);
    expect(r.unchecked).toEqual([]);
    expect(r.operations).toEqual(
      expect.arrayContaining(['RoleDefinitions_List @ 2022-04-01', 'RoleAssignments_Create @ 2022-04-01']),
    );
    expect(r.problems).toEqual([]);
  });
});
