/**
 * Seeded sandbox users. Object ids are fixed so role assignments and tests stay stable across restarts.
 * - owner:   Owner on the sandbox subscription, consent already granted (admin consent).
 * - reader:  Reader on the subscription: can read, every write answers 403 AuthorizationFailed.
 * - consent: Owner, but must accept the consent page on first sign-in (like a tenant without admin consent).
 */
export type SandboxRole = 'Owner' | 'Reader';

export interface SandboxUser {
  username: string;
  password: string;
  objectId: string;
  displayName: string;
  role: SandboxRole;
  needsConsent: boolean;
}

export const SANDBOX_DOMAIN = 'sandbox.obc.local';

export const SEEDED_USERS: readonly SandboxUser[] = [
  {
    username: `owner@${SANDBOX_DOMAIN}`,
    password: 'Owner-Pass-1',
    objectId: '0b5e0000-0000-4000-8000-00000000a001',
    displayName: 'Olivia Owner',
    role: 'Owner',
    needsConsent: false,
  },
  {
    username: `reader@${SANDBOX_DOMAIN}`,
    password: 'Reader-Pass-1',
    objectId: '0b5e0000-0000-4000-8000-00000000a002',
    displayName: 'Reuben Reader',
    role: 'Reader',
    needsConsent: false,
  },
  {
    username: `consent@${SANDBOX_DOMAIN}`,
    password: 'Consent-Pass-1',
    objectId: '0b5e0000-0000-4000-8000-00000000a003',
    displayName: 'Constance Consent',
    role: 'Owner',
    needsConsent: true,
  },
];

export function findUserByName(username: string): SandboxUser | undefined {
  const u = username.trim().toLowerCase();
  return SEEDED_USERS.find((x) => x.username === u);
}

export function findUserById(objectId: string): SandboxUser | undefined {
  return SEEDED_USERS.find((x) => x.objectId === objectId);
}
