import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { writeJsonAtomic } from '../store/atomic.ts';

/**
 * Everything the sandbox remembers, kept in `<data>/state.json` so `obc sandbox --data <dir>` survives restarts:
 * identities (tenant, client, subscription, signing key, admin token), last ports, and the ARM/Graph resources.
 * Keys of the resource maps are lower case (ARM names are case-insensitive); records keep the caller's casing.
 */
export type RegistrationState = 'NotRegistered' | 'Registering' | 'Registered' | 'Unregistering';

export interface ResourceGroupRec {
  name: string;
  location: string;
  tags?: Record<string, string>;
  createdAt: string;
}
export interface ProviderRec {
  state: RegistrationState;
  changedAt: string;
}
export interface StorageAccountRec {
  name: string;
  resourceGroup: string;
  location: string;
  kind: 'StorageV2' | 'Storage' | 'BlobStorage';
  skuName: string;
  createdAt: string;
  /** Shared keys (base64), also given to Azurite for the account of the same name. */
  keys: [string, string];
}
export interface RoleAssignmentRec {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  createdBy: string;
  createdOn: string;
}
export interface JobRec {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  /** JobDetails as stored; bitLockerKey kept here, stripped from GET answers. */
  properties: Record<string, unknown>;
  systemData: Record<string, string>;
  /** Microsoft.DataBox jobs only: the job's sku (`{ name: 'DataBoxCustomerDisk' }`). */
  sku?: Record<string, unknown>;
}
export interface GraphAppRec {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  signInAudience: string;
  keyCredentials: Array<Record<string, unknown>>;
  passwordCredentials: Array<Record<string, unknown>>;
  ownerId: string;
}
export interface ServicePrincipalRec {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: string;
  accountEnabled: boolean;
}

export interface SandboxState {
  version: 1;
  tenantId: string;
  clientId: string;
  subscriptionId: string;
  signingJwk: JWK;
  cookieKeys: string[];
  adminToken: string;
  ports: { identity: number; signin: number; arm: number; graph: number; admin: number; blob: number };
  resourceGroups: Record<string, ResourceGroupRec>;
  providers: Record<string, ProviderRec>;
  storageAccounts: Record<string, StorageAccountRec>;
  roleAssignments: Record<string, RoleAssignmentRec>;
  jobs: Record<string, JobRec>;
  /** Microsoft.DataBox jobs (rp-databox.ts), keyed like `jobs`; absent in state files written before Data Box. */
  dataBoxJobs?: Record<string, JobRec>;
  applications: Record<string, GraphAppRec>;
  servicePrincipals: Record<string, ServicePrincipalRec>;
  /** Datacenter simulation: per job key, the folder disk path each received drive id arrived as. */
  datacenter?: Record<string, Record<string, string>>;
  /** Object ids of users who accepted the sign-in consent page. */
  consentedUsers?: string[];
}

export const SANDBOX_LOCATION = 'westus';

async function freshState(): Promise<SandboxState> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const now = new Date().toISOString();
  const rg = (name: string): ResourceGroupRec => ({ name, location: SANDBOX_LOCATION, createdAt: now });
  const sa = (
    name: string,
    resourceGroup: string,
    kind: StorageAccountRec['kind'],
    skuName: string,
  ): StorageAccountRec => ({
    name,
    resourceGroup,
    location: SANDBOX_LOCATION,
    kind,
    skuName,
    createdAt: now,
    keys: [randomBytes(64).toString('base64'), randomBytes(64).toString('base64')],
  });
  return {
    version: 1,
    tenantId: randomUUID(),
    clientId: randomUUID(),
    subscriptionId: randomUUID(),
    signingJwk: { ...jwk, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' },
    cookieKeys: [randomBytes(32).toString('base64url')],
    adminToken: randomBytes(24).toString('base64url'),
    ports: { identity: 0, signin: 0, arm: 0, graph: 0, admin: 0, blob: 0 },
    resourceGroups: { 'backup-rg': rg('backup-rg'), 'archive-rg': rg('archive-rg') },
    providers: {},
    storageAccounts: {
      obcseedv2: sa('obcseedv2', 'backup-rg', 'StorageV2', 'Standard_LRS'),
      obcclassicv1: sa('obcclassicv1', 'backup-rg', 'Storage', 'Standard_GRS'),
      obcblobonly: sa('obcblobonly', 'archive-rg', 'BlobStorage', 'Standard_LRS'),
    },
    roleAssignments: {},
    jobs: {},
    applications: {},
    servicePrincipals: {},
  };
}

export class StateStore {
  readonly path: string;
  state: SandboxState;
  private chain: Promise<void> = Promise.resolve();
  private constructor(path: string, state: SandboxState) {
    this.path = path;
    this.state = state;
  }

  static async open(dataDir: string): Promise<StateStore> {
    const path = join(dataDir, 'state.json');
    let state: SandboxState;
    try {
      state = JSON.parse(await readFile(path, 'utf8')) as SandboxState;
      if (state.version !== 1) throw new Error(`unsupported sandbox state version ${String(state.version)}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(
          `Sandbox state ${path} is unreadable: ${(err as Error).message}. Move it aside to start a fresh sandbox.`,
          { cause: err },
        );
      state = await freshState();
    }
    const store = new StateStore(path, state);
    await store.save();
    return store;
  }

  /** Serialized atomic save; call after every change. */
  save(): Promise<void> {
    const next = this.chain.then(() => writeJsonAtomic(this.path, this.state, 0o600));
    this.chain = next.catch(() => undefined);
    return next;
  }
}
