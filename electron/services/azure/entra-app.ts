/**
 * SPEC.md decision 2: the Entra application `AzureOfflineBackup_<signed-in user's object id>`.
 * Find or create it; add this machine's self-signed certificate as a key credential without removing anyone else's;
 * make sure its service principal exists; grant Storage Blob Data Contributor on the storage account and Reader on
 * the job's resource group. Idempotent: running again changes nothing; a second machine adds its own credential.
 *
 * Graph refuses to PATCH keyCredentials when an existing credential is re-sent changed ("Update to existing
 * credential with KeyId … is not allowed") — which is what happens if the list is rebuilt from a plain GET, where
 * `key` is null. We read the list with `$select=keyCredentials` (the only read that returns `key`) and send it back
 * unchanged plus ours. If Graph still refuses, and this machine holds the private key of one of the app's
 * certificates, we use `addKey` with a proof-of-possession token; otherwise we explain what to do.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, importPKCS8 } from 'jose';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import type { EntraAppResult, RoleAssignmentResult } from '../../../shared/contract/azure.ts';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic.ts';
import { createLocalCertificate, type LocalCertificate } from './cert.ts';
import type { AzureClients } from './clients.ts';
import { collect, mapAzureError } from './errors.ts';
import { GraphError, type GraphClient, type GraphKeyCredential } from './graph.ts';
import type { Protector } from './protector.ts';

export const APP_NAME_PREFIX = 'AzureOfflineBackup_';

/** Built-in role ids (identical in every Azure cloud); used when the role definitions cannot be listed. */
export const BUILT_IN_ROLES = {
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  Reader: 'acdd72a7-3385-48ef-bd42-f6fb9462f8c7',
} as const;
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

const recordSchema = z.object({
  cloud: z.string(),
  tenantId: z.string(),
  userObjectId: z.string(),
  appId: z.string(),
  applicationObjectId: z.string(),
  keyId: z.string(),
  thumbprint: z.string(),
  certPem: z.string(),
  protectedPrivateKey: z.string(),
  registered: z.boolean(),
  createdAt: z.string(),
  /** `<subscription id>/<account>` (lower case) of the storage accounts its data role was granted on (unattended runs pick the record by it). */
  storageAccounts: z.array(z.string().max(200)).max(100).optional(),
});
export type EntraCredentialRecord = z.infer<typeof recordSchema>;

export interface EntraDeps {
  clients: AzureClients;
  graph: GraphClient;
  protector: Protector;
  dataDir: string;
  /** Back-off for a brand-new service principal that ARM does not know yet (PrincipalNotFound). */
  principalRetry?: { attempts: number; delayMs: number };
}

export interface EntraInput {
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
  jobResourceGroup?: string;
}

export function credentialRecordPath(dataDir: string, cloud: string, userObjectId: string): string {
  return join(dataDir, 'azure', 'entra', `${cloud.replace(/[^A-Za-z0-9_-]/g, '_')}-${userObjectId}.json`);
}

export async function loadCredentialRecord(path: string): Promise<EntraCredentialRecord | null> {
  try {
    return recordSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError(
      'CORRUPT_DATA',
      `The Entra credential record ${path} is damaged (${(err as Error).message}); move it aside to create a new credential.`,
      { path },
    );
  }
}

/** The stored private key, for later unattended (certificate) sign-in. */
export async function unprotectPrivateKey(rec: EntraCredentialRecord, protector: Protector): Promise<string> {
  return (await protector.unprotect(Buffer.from(rec.protectedPrivateKey, 'base64'))).toString('utf8');
}

function graphFailure(err: unknown, what: string, upn: string): AppError {
  if (err instanceof GraphError) {
    if (err.status === 403)
      return new AppError(
        'PERMISSION_DENIED',
        `${what}: Microsoft Entra ID refused (${err.code}). ${upn} needs the Application Developer role (or "Users can register applications" enabled for the tenant) to create app registrations, and must own ${what.includes('credential') ? 'the application' : 'the app it changes'}. ${err.message}`,
        { graphCode: err.code, missingRole: 'Application Developer' },
      );
    return new AppError('AZURE', `${what}: Microsoft Graph answered ${err.status} ${err.code}: ${err.message}`, {
      graphCode: err.code,
      status: err.status,
    });
  }
  return mapAzureError(err, what);
}

function keyCredentialFor(cert: LocalCertificate, keyId: string, machine: string): GraphKeyCredential {
  return {
    keyId,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: cert.certDerBase64,
    displayName: `${cert.subject} (${machine})`.slice(0, 90),
    startDateTime: cert.notBefore.toISOString(),
    endDateTime: cert.notAfter.toISOString(),
  };
}

async function proofFor(rec: EntraCredentialRecord, protector: Protector): Promise<string> {
  const key = await importPKCS8(await unprotectPrivateKey(rec, protector), 'RS256');
  const x5t = Buffer.from(rec.thumbprint, 'hex').toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
    .setAudience('00000002-0000-0000-c000-000000000000')
    .setIssuer(rec.applicationObjectId)
    .setNotBefore(now - 60)
    .setExpirationTime(now + 600)
    .sign(key);
}

export async function ensureEntraApp(deps: EntraDeps, input: EntraInput, machineName: string): Promise<EntraAppResult> {
  const { graph, protector } = deps;
  const cloud = deps.clients.http.cloud.name;
  const notes: string[] = [];
  const me = await graph.me().catch((e) => {
    throw graphFailure(e, 'Read the signed-in user from Microsoft Graph', '');
  });
  const upn = me.userPrincipalName ?? me.id;
  const account = await deps.clients.auth.currentAccount();
  const tenantId = account?.tenantId ?? '';
  const displayName = `${APP_NAME_PREFIX}${me.id}`;
  const recPath = credentialRecordPath(deps.dataDir, cloud, me.id);
  let rec = await loadCredentialRecord(recPath);

  let createdApplication = false;
  let addedCredential = false;
  let app = await graph.findApplicationByName(displayName).catch((e) => {
    throw graphFailure(e, `Look up application ${displayName}`, upn);
  });
  if (rec && app && rec.appId !== app.appId) {
    notes.push(
      `The saved credential belonged to an older application (${rec.appId}); a new certificate is registered for ${app.appId}.`,
    );
    rec = null;
  }

  const newCredential = async (
    appId: string,
    appObjectId: string,
  ): Promise<{ rec: EntraCredentialRecord; cert: LocalCertificate }> => {
    const cert = await createLocalCertificate(
      new Date()
        .toISOString()
        .replace(/[-:.TZ]/g, '')
        .slice(0, 14),
    );
    const r: EntraCredentialRecord = {
      cloud,
      tenantId,
      userObjectId: me.id,
      appId,
      applicationObjectId: appObjectId,
      keyId: randomUUID(),
      thumbprint: cert.thumbprint,
      certPem: cert.certPem,
      protectedPrivateKey: (await protector.protect(Buffer.from(cert.privateKeyPem, 'utf8'))).toString('base64'),
      registered: false,
      createdAt: new Date().toISOString(),
    };
    return { rec: r, cert };
  };

  if (!app) {
    const { rec: r, cert } = await newCredential('', '');
    try {
      app = await graph.createApplication(displayName, keyCredentialFor(cert, r.keyId, machineName));
    } catch (e) {
      throw graphFailure(e, `Create application ${displayName}`, upn);
    }
    createdApplication = true;
    addedCredential = true;
    rec = { ...r, appId: app.appId, applicationObjectId: app.id, registered: true };
    await writeJsonAtomic(recPath, rec, 0o600);
  }

  const existing = await graph.getKeyCredentials(app.id).catch((e) => {
    throw graphFailure(e, `Read the credentials of ${displayName}`, upn);
  });
  if (!rec || !existing.some((k) => k.keyId?.toLowerCase() === rec!.keyId.toLowerCase())) {
    // This machine has no credential on the app yet (second machine, or an earlier attempt did not finish).
    const prior = rec;
    // An unregistered certificate saved by an interrupted run is reused; otherwise a new one is made.
    let cert: LocalCertificate | null = null;
    if (!rec || rec.registered) {
      const made = await newCredential(app.appId, app.id);
      rec = made.rec;
      cert = made.cert;
    }
    rec = { ...rec, appId: app.appId, applicationObjectId: app.id, registered: false };
    await writeJsonAtomic(recPath, rec, 0o600);
    const der = cert ? cert.certDerBase64 : pemToDerBase64(rec.certPem);
    const kc: GraphKeyCredential = {
      keyId: rec.keyId,
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
      key: der,
      displayName: `CB_AzureADCertforOfflineSeeding (${machineName})`.slice(0, 90),
    };
    try {
      await addCredential(
        graph,
        app.id,
        existing,
        kc,
        prior?.registered ? prior : null,
        protector,
        displayName,
        upn,
        recPath,
        rec,
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'CONFLICT' || err.code === 'SIGNIN_REQUIRED') throw err;
      throw new AppError(
        err.code,
        `${err.message} This machine's new certificate (thumbprint ${rec.thumbprint}) is saved but not yet on the application; run this step again to finish.`,
        err.details,
      );
    }
    addedCredential = true;
    rec = { ...rec, registered: true };
    await writeJsonAtomic(recPath, rec, 0o600);
  }

  let sp = await graph.findServicePrincipal(app.appId).catch((e) => {
    throw graphFailure(e, `Look up the service principal of ${displayName}`, upn);
  });
  if (!sp) {
    sp = await graph.createServicePrincipal(app.appId).catch((e) => {
      throw graphFailure(e, `Create the service principal of ${displayName}`, upn);
    });
    notes.push('Created the service principal.');
  }

  const storageScope = `/subscriptions/${input.subscriptionId}/resourceGroups/${input.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${input.accountName}`;
  const rgScope = `/subscriptions/${input.subscriptionId}/resourceGroups/${input.jobResourceGroup ?? input.resourceGroup}`;
  const roleAssignments: RoleAssignmentResult[] = [];
  for (const [role, scope] of [
    ['Storage Blob Data Contributor', storageScope],
    ['Reader', rgScope],
  ] as const) {
    roleAssignments.push(await ensureRole(deps, input.subscriptionId, role, scope, sp.id, upn, displayName));
  }
  // Unattended runs look for the credential of the account they back up into (unattended.ts findAppRecord).
  const granted = `${input.subscriptionId}/${input.accountName}`.toLowerCase();
  if (!rec.storageAccounts?.includes(granted)) {
    rec = { ...rec, storageAccounts: [...(rec.storageAccounts ?? []), granted].slice(-100) };
    await writeJsonAtomic(recPath, rec, 0o600);
  }
  const final = await graph.getKeyCredentials(app.id).catch(() => existing);
  return {
    displayName,
    appId: app.appId,
    applicationObjectId: app.id,
    servicePrincipalId: sp.id,
    tenantId,
    keyId: rec.keyId,
    thumbprint: rec.thumbprint,
    createdApplication,
    addedCredential,
    otherCredentials: final.filter((k) => k.keyId?.toLowerCase() !== rec!.keyId.toLowerCase()).length,
    roleAssignments,
    notes,
  };
}

function pemToDerBase64(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

async function addCredential(
  graph: GraphClient,
  appObjectId: string,
  existing: GraphKeyCredential[],
  kc: GraphKeyCredential,
  ownOld: EntraCredentialRecord | null,
  protector: Protector,
  displayName: string,
  upn: string,
  recPath: string,
  rec: EntraCredentialRecord,
): Promise<void> {
  const refused = (e: unknown) =>
    e instanceof GraphError && /Update to existing credential with KeyId/i.test(e.message);
  try {
    await graph.setKeyCredentials(appObjectId, [...existing, kc]);
    return;
  } catch (e) {
    if (!refused(e)) throw graphFailure(e, `Add this machine's certificate credential to ${displayName}`, upn);
  }
  // Graph judged one of the existing credentials "changed". Re-read and try once more (another machine may have
  // added its credential between our read and our write).
  const again = await graph.getKeyCredentials(appObjectId).catch(() => existing);
  if (again.every((k) => k.key)) {
    try {
      await graph.setKeyCredentials(appObjectId, [...again, kc]);
      return;
    } catch (e) {
      if (!refused(e)) throw graphFailure(e, `Add this machine's certificate credential to ${displayName}`, upn);
    }
  }
  if (ownOld && again.some((k) => k.keyId?.toLowerCase() === ownOld.keyId.toLowerCase())) {
    try {
      await graph.addKey(appObjectId, kc, await proofFor(ownOld, protector));
      return;
    } catch (e) {
      throw graphFailure(e, `Add this machine's certificate credential to ${displayName} (addKey)`, upn);
    }
  }
  const cerPath = recPath.replace(/\.json$/, '.cer');
  await writeFileAtomic(cerPath, rec.certPem);
  throw new AppError(
    'CONFLICT',
    `Microsoft Entra ID refused to add this machine's certificate to ${displayName}: "Update to existing credential with KeyId … is not allowed". ` +
      'Graph only accepts a new credential list when every existing certificate is sent back exactly as stored, and it did not return all of them to this account. ' +
      `Nothing was removed. To finish, an owner of the application can upload this machine's certificate (${cerPath}) in the Entra admin center → App registrations → ${displayName} → Certificates & secrets → Upload certificate, then run this step again.`,
    { certificatePath: cerPath, keyId: kc.keyId ?? '' },
  );
}

/** @azure/arm-authorization's paths are `/{scope}/providers/…`: the scope goes in without its leading slash. */
const sdkScope = (scope: string) => scope.replace(/^\/+/, '');

async function roleDefinitionId(
  deps: Pick<EntraDeps, 'clients'>,
  subscriptionId: string,
  role: BuiltInRole,
  scope: string,
): Promise<string> {
  const fallback = `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
  try {
    const defs = await collect(
      deps.clients
        .authorization(subscriptionId)
        .roleDefinitions.list(sdkScope(scope), { filter: `roleName eq '${role}'` }),
      10,
    );
    const hit = defs.find((d) => d.roleName === role && d.id);
    return hit?.id ?? fallback;
  } catch {
    return fallback;
  }
}

/** Assigns `role` on `scope` to the principal unless it already has it (idempotent). */
export async function ensureRole(
  deps: Pick<EntraDeps, 'clients' | 'principalRetry'>,
  subscriptionId: string,
  role: BuiltInRole,
  scope: string,
  principalId: string,
  upn: string,
  appName: string,
  principalType: 'ServicePrincipal' | 'User' | 'Group' = 'ServicePrincipal',
): Promise<RoleAssignmentResult> {
  const client = deps.clients.authorization(subscriptionId);
  const what = `Grant ${role} on ${scope} to ${appName}`;
  const defId = await roleDefinitionId(deps, subscriptionId, role, scope);
  const guid = defId.slice(defId.lastIndexOf('/') + 1).toLowerCase();
  try {
    const current = await collect(
      client.roleAssignments.listForScope(sdkScope(scope), { filter: `principalId eq '${principalId}'` }),
      500,
    );
    if (
      current.some(
        (a) =>
          a.principalId === principalId &&
          a.roleDefinitionId?.toLowerCase().endsWith(guid) &&
          sdkScope(a.scope ?? '').toLowerCase() === sdkScope(scope).toLowerCase(),
      )
    )
      return { role, scope, created: false };
  } catch (err) {
    const m = mapAzureError(err, what);
    if (m.code === 'SIGNIN_REQUIRED') throw m;
  }
  const retry = deps.principalRetry ?? { attempts: 6, delayMs: 5000 };
  for (let attempt = 1; ; attempt++) {
    try {
      await client.roleAssignments.create(sdkScope(scope), randomUUID(), {
        roleDefinitionId: defId,
        principalId,
        principalType,
      });
      return { role, scope, created: true };
    } catch (err) {
      const m = mapAzureError(err, what);
      const az = String(m.details?.azureCode ?? '');
      if (az === 'RoleAssignmentExists') return { role, scope, created: false };
      if (az === 'PrincipalNotFound' && attempt < retry.attempts) {
        await new Promise((r) => setTimeout(r, retry.delayMs));
        continue;
      }
      if (m.code === 'PERMISSION_DENIED')
        throw new AppError(
          'PERMISSION_DENIED',
          `${upn} may not assign roles on ${scope}: granting "${role}" to ${appName} needs the Owner or User Access Administrator role there ` +
            `(Microsoft.Authorization/roleAssignments/write). The application and its service principal exist; ask an Owner to grant "${role}" to ${appName}, or sign in as an Owner and run this step again.`,
          { missingRole: 'Owner', roleToGrant: role, scope, azureCode: az },
        );
      throw m;
    }
  }
}
