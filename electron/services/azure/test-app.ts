/**
 * Test support: the Entra application of SPEC decision 2 made straight through the sandbox's Graph and ARM emulators
 * (as the Entra step would, without a browser sign-in), and this machine's credential record for it. Not used by the
 * product.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { SandboxHandle } from '../sandbox/index.ts';
import { sbRequest } from '../sandbox/test-http.ts';
import { mintToken } from '../sandbox/test-tokens.ts';
import { createLocalCertificate } from './cert.ts';
import { APP_NAME_PREFIX, credentialRecordPath, type EntraCredentialRecord } from './entra-app.ts';
import { FileKeyProtector } from './protector.ts';
import { writeJsonAtomic } from '../store/atomic.ts';

export const ROLE = {
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  Reader: 'acdd72a7-3385-48ef-bd42-f6fb9462f8c7',
} as const;

export interface TestApp {
  appId: string;
  appObjectId: string;
  principalId: string;
  record: EntraCredentialRecord;
  protector: FileKeyProtector;
  /** As the owner: assigns `role` on `scope` to the app's service principal; returns the assignment's name. */
  grant(role: keyof typeof ROLE, scope: string): Promise<string>;
  revoke(assignment: string, scope: string): Promise<void>;
  /** As the owner: removes every certificate from the application (what "certificate removed from the app" is). */
  removeCertificates(): Promise<void>;
}

export function accountScope(sb: SandboxHandle, account: string, rg = 'backup-rg'): string {
  return `/subscriptions/${sb.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${account}`;
}

/** An app with this machine's certificate, its service principal and its record in `<dataDir>/azure/entra/`. */
export async function createTestApp(
  sb: SandboxHandle,
  dataDir: string,
  opts: { storageAccounts?: string[] } = {},
): Promise<TestApp> {
  const owner = sb.users[0];
  const graphToken = await mintToken(sb, owner, { audience: sb.graphUrl });
  const graph = (path: string, method = 'GET', body?: unknown) =>
    sbRequest(`${sb.graphUrl}/v1.0${path}`, { method, body, token: graphToken, ca: sb.caCertPem });
  const arm = async (path: string, method = 'GET', body?: unknown) =>
    sbRequest(`${sb.armUrl}${path}`, { method, body, token: await mintToken(sb, owner), ca: sb.caCertPem });
  const cert = await createLocalCertificate('test');
  const keyId = randomUUID();
  const app = (
    await graph('/applications', 'POST', {
      displayName: `${APP_NAME_PREFIX}${owner.objectId}`,
      keyCredentials: [{ keyId, type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDerBase64 }],
    })
  ).json;
  const sp = (await graph('/servicePrincipals', 'POST', { appId: app.appId })).json;
  const protector = new FileKeyProtector(join(dataDir, 'azure', 'secrets.key'));
  const record: EntraCredentialRecord = {
    cloud: sb.cloud.name,
    tenantId: sb.tenantId,
    userObjectId: owner.objectId,
    appId: app.appId,
    applicationObjectId: app.id,
    keyId,
    thumbprint: cert.thumbprint,
    certPem: cert.certPem,
    protectedPrivateKey: (await protector.protect(Buffer.from(cert.privateKeyPem))).toString('base64'),
    registered: true,
    createdAt: new Date().toISOString(),
    ...(opts.storageAccounts
      ? { storageAccounts: opts.storageAccounts.map((a) => `${sb.subscriptionId}/${a}`.toLowerCase()) }
      : {}),
  };
  await writeJsonAtomic(credentialRecordPath(dataDir, sb.cloud.name, owner.objectId), record, 0o600);
  return {
    appId: app.appId,
    appObjectId: app.id,
    principalId: sp.id,
    record,
    protector,
    async grant(role, scope) {
      const name = randomUUID();
      const r = await arm(
        `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
        'PUT',
        {
          properties: {
            roleDefinitionId: `/subscriptions/${sb.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE[role]}`,
            principalId: sp.id,
            principalType: 'ServicePrincipal',
          },
        },
      );
      if (r.status !== 201) throw new Error(`role assignment failed: ${r.status} ${r.text}`);
      return name;
    },
    async revoke(assignment, scope) {
      const r = await arm(
        `${scope}/providers/Microsoft.Authorization/roleAssignments/${assignment}?api-version=2022-04-01`,
        'DELETE',
      );
      if (r.status !== 200) throw new Error(`role removal failed: ${r.status} ${r.text}`);
    },
    async removeCertificates() {
      const r = await graph(`/applications/${app.id}`, 'PATCH', { keyCredentials: [] });
      if (r.status >= 300) throw new Error(`removing certificates failed: ${r.status} ${r.text}`);
    },
  };
}
