import { ROLE_IDS } from './arm.ts';
import type { SandboxState } from './state.ts';

/**
 * Data-plane authorization of the sandbox's blob front (blob-front.ts), as Azure Storage does it for a Microsoft
 * Entra token: only the blob data roles count — Storage Blob Data Owner, Contributor (read, write, delete) and
 * Reader (read) — assigned at the container, the storage account, its resource group or the subscription. The
 * control-plane roles (Owner, Contributor, Reader) give no data access, also to the subscription's Owner.
 */
export type BlobAccess = 'read' | 'write' | 'delete';

const DATA_ROLES: Record<string, readonly BlobAccess[]> = {
  [ROLE_IDS['Storage Blob Data Owner']]: ['read', 'write', 'delete'],
  [ROLE_IDS['Storage Blob Data Contributor']]: ['read', 'write', 'delete'],
  [ROLE_IDS['Storage Blob Data Reader']]: ['read'],
};

/** What a blob request needs: GET/HEAD read, DELETE delete, everything else writes (PUT, POST, a block list…). */
export function accessOf(method: string, query: URLSearchParams): BlobAccess {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return 'read';
  if (m === 'DELETE') return 'delete';
  // Get User Delegation Key is a POST any data role may make (Microsoft.Storage/.../generateUserDelegationKey/action).
  if (m === 'POST' && query.get('comp') === 'userdelegationkey') return 'read';
  return 'write';
}

/** The ARM scope of a blob request: the container when the path names one, else the account. */
export function blobScope(state: SandboxState, account: string, container: string | null): string | null {
  const a = state.storageAccounts[account.toLowerCase()];
  if (!a) return null;
  const base = `/subscriptions/${state.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${a.name}`;
  return container ? `${base}/blobServices/default/containers/${container}` : base;
}

/** Whether the principal holds a data role granting `access` at `scope` or above it. */
export function dataAccessAllowed(
  state: SandboxState,
  principalId: string,
  scope: string,
  access: BlobAccess,
): boolean {
  const s = scope.toLowerCase();
  return Object.values(state.roleAssignments).some((ra) => {
    if (ra.principalId.toLowerCase() !== principalId.toLowerCase()) return false;
    const at = ra.scope.toLowerCase().replace(/\/+$/, '');
    if (s !== at && !s.startsWith(`${at}/`)) return false;
    const guid = ra.roleDefinitionId.slice(ra.roleDefinitionId.lastIndexOf('/') + 1).toLowerCase();
    return DATA_ROLES[guid]?.includes(access) ?? false;
  });
}
