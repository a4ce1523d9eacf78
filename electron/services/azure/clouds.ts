/**
 * Clouds are data (shared/clouds.ts): the three Azure clouds the console can sign in to, plus the Local sandbox,
 * whose definition the sandbox writes (`<dataDir>/sandbox-cloud.json`) or hands over in-process.
 *
 * Client id: Microsoft's own well-known public client ids (Azure CLI, Azure PowerShell) belong to those tools and
 * are not ours to use. For the public clouds the console therefore ships WITHOUT a client id: an administrator
 * registers a "Mobile and desktop" public client in their tenant (redirect URI http://localhost, delegated
 * permissions Azure Service Management user_impersonation and Microsoft Graph Application.ReadWrite.All +
 * User.Read) and enters its Application (client) ID in Settings, or sets OBC_AZURE_CLIENT_ID. Sign-in refuses
 * with that explanation while it is unset. The sandbox carries its own client id.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { AppError } from '../../../shared/errors.ts';

export const SANDBOX_CLOUD_NAME = 'LocalSandbox';
export const SANDBOX_CLOUD_FILE = 'sandbox-cloud.json';

export const AZURE_PUBLIC: CloudDefinition = {
  name: 'AzurePublic',
  displayName: 'Azure (global)',
  authorityHost: 'https://login.microsoftonline.com',
  tenant: 'organizations',
  armEndpoint: 'https://management.azure.com',
  graphEndpoint: 'https://graph.microsoft.com',
  armScope: 'https://management.azure.com/user_impersonation',
  graphScope: 'https://graph.microsoft.com/.default',
  clientId: '',
  storageEndpointSuffix: 'blob.core.windows.net',
};

export const AZURE_US_GOVERNMENT: CloudDefinition = {
  name: 'AzureUSGovernment',
  displayName: 'Azure US Government',
  authorityHost: 'https://login.microsoftonline.us',
  tenant: 'organizations',
  armEndpoint: 'https://management.usgovcloudapi.net',
  graphEndpoint: 'https://graph.microsoft.us',
  armScope: 'https://management.usgovcloudapi.net/user_impersonation',
  graphScope: 'https://graph.microsoft.us/.default',
  clientId: '',
  knownAuthorities: ['login.microsoftonline.us'],
  storageEndpointSuffix: 'blob.core.usgovcloudapi.net',
};

export const AZURE_CHINA: CloudDefinition = {
  name: 'AzureChina',
  displayName: 'Azure operated by 21Vianet (China)',
  authorityHost: 'https://login.chinacloudapi.cn',
  tenant: 'organizations',
  armEndpoint: 'https://management.chinacloudapi.cn',
  graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
  armScope: 'https://management.chinacloudapi.cn/user_impersonation',
  graphScope: 'https://microsoftgraph.chinacloudapi.cn/.default',
  clientId: '',
  knownAuthorities: ['login.chinacloudapi.cn'],
  storageEndpointSuffix: 'blob.core.chinacloudapi.cn',
};

export const BUILT_IN_CLOUDS: readonly CloudDefinition[] = [AZURE_PUBLIC, AZURE_US_GOVERNMENT, AZURE_CHINA];

const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https URL');

export const cloudDefinitionSchema = z.object({
  name: z.string().min(1).max(64),
  displayName: z.string().min(1).max(200),
  authorityHost: httpsUrl,
  tenant: z.string().min(1).max(200),
  armEndpoint: httpsUrl,
  graphEndpoint: httpsUrl,
  armScope: z.string().min(1),
  graphScope: z.string().min(1),
  clientId: z.string().max(200),
  knownAuthorities: z.array(z.string()).optional(),
  protocolMode: z.enum(['AAD', 'OIDC']).optional(),
  caCertPem: z.string().optional(),
  storageEndpointSuffix: z.string(),
  storageScope: z.string().min(1).max(300).optional(),
  blobEndpointTemplate: httpsUrl.refine((u) => u.includes('{account}'), 'must contain {account}').optional(),
  rehearsal: z.boolean().optional(),
});

const noSlash = (u: string) => u.replace(/\/+$/, '');

/** Normalises a cloud definition from the sandbox (file or in-process) and checks its shape. */
export function parseCloudDefinition(value: unknown, source: string): CloudDefinition {
  const r = cloudDefinitionSchema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new AppError(
      'CORRUPT_DATA',
      `Cloud definition in ${source} is not valid: ${first?.path.join('.') || '(root)'}: ${first?.message}`,
      {
        source,
      },
    );
  }
  const c = r.data;
  const out: CloudDefinition = {
    ...c,
    authorityHost: noSlash(c.authorityHost),
    armEndpoint: noSlash(c.armEndpoint),
    graphEndpoint: noSlash(c.graphEndpoint),
  };
  return out;
}

/**
 * The sandbox's cloud definition: OBC_SANDBOX_CLOUD (a path), `<dataDir>/sandbox-cloud.json`, or
 * `<dataDir>/sandbox/cloud.json` (what `obc sandbox` writes into its data dir); null when none exists.
 */
export async function loadSandboxCloud(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CloudDefinition | null> {
  const candidates = [
    env.OBC_SANDBOX_CLOUD,
    join(dataDir, SANDBOX_CLOUD_FILE),
    join(dataDir, 'sandbox', 'cloud.json'),
  ].filter((p): p is string => Boolean(p));
  let text: string | null = null;
  let path = '';
  for (const p of candidates) {
    try {
      text = await readFile(p, 'utf8');
      path = p;
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError('CORRUPT_DATA', `Cloud definition ${path} is not JSON: ${(err as Error).message}`, { path });
  }
  const cloud = parseCloudDefinition(json, path);
  return { ...cloud, rehearsal: true };
}

export interface CloudChoice {
  cloud: CloudDefinition;
  /** Where the client id came from, for the Settings page. */
  clientIdSource: 'settings' | 'environment' | 'cloud' | 'unset';
}

/** Picks the cloud by name; for clouds without their own client id, applies Settings' clientId, then OBC_AZURE_CLIENT_ID. */
export function resolveCloud(
  name: string,
  available: readonly CloudDefinition[],
  overrides: { clientId?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): CloudChoice {
  const base = available.find((c) => c.name === name);
  if (!base) {
    const names = available.map((c) => c.name).join(', ');
    if (name === SANDBOX_CLOUD_NAME)
      throw new AppError(
        'NOT_FOUND',
        `The local sandbox cloud has not been started on this machine: run "npm run obc -- sandbox" (it writes its cloud definition to <data dir>/sandbox/cloud.json), or pick another cloud in Settings. Available: ${names}.`,
        { cloud: name },
      );
    throw new AppError('NOT_FOUND', `Unknown cloud "${name}". Available: ${names}.`, { cloud: name });
  }
  const env = overrides.env ?? process.env;
  // A cloud that brings its own client id (the sandbox) keeps it; the overrides are for the public clouds.
  if (base.clientId) return { cloud: base, clientIdSource: 'cloud' };
  if (overrides.clientId?.trim())
    return { cloud: { ...base, clientId: overrides.clientId.trim() }, clientIdSource: 'settings' };
  const fromEnv = env.OBC_AZURE_CLIENT_ID?.trim();
  if (fromEnv) return { cloud: { ...base, clientId: fromEnv }, clientIdSource: 'environment' };
  return { cloud: base, clientIdSource: base.clientId ? 'cloud' : 'unset' };
}

/** Thrown by sign-in when no client id is configured for a public cloud. */
export function clientIdMissing(cloud: CloudDefinition): AppError {
  return new AppError(
    'VALIDATION',
    `No application (client) ID is configured for ${cloud.displayName}. The console does not borrow Microsoft's own ` +
      'tool client ids. Register a public client in your tenant (Microsoft Entra ID → App registrations → New ' +
      'registration → "Mobile and desktop applications", redirect URI http://localhost; delegated permissions: Azure ' +
      'Service Management user_impersonation, Microsoft Graph User.Read and Application.ReadWrite.All), then enter ' +
      "its Application (client) ID on the console's Sign in / out screen (or `obc signin --client-id <id>`), or set OBC_AZURE_CLIENT_ID.",
    { cloud: cloud.name, field: 'clientId' },
  );
}

/** Data for the Settings page's cloud picker (no CA certificate, no secrets). */
export function describeCloud(c: CloudDefinition) {
  return {
    name: c.name,
    displayName: c.displayName,
    authorityHost: c.authorityHost,
    armEndpoint: c.armEndpoint,
    graphEndpoint: c.graphEndpoint,
    hasClientId: Boolean(c.clientId),
    rehearsal: Boolean(c.rehearsal),
    trustsOwnCa: Boolean(c.caCertPem),
  };
}
