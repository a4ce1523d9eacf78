import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, importJWK, type JWK } from 'jose';
import type { SandboxHandle, SandboxUserInfo } from './index.ts';

/**
 * Test helper: mints an access token exactly like the sandbox identity server would (same key, issuer, claims),
 * without a browser sign-in. For emulator tests only; the scripted sign-in lives in test-signin.ts.
 */
export async function mintToken(
  sb: SandboxHandle,
  user: SandboxUserInfo,
  opts: { audience?: string; expiresInSeconds?: number; issuer?: string } = {},
): Promise<string> {
  const state = JSON.parse(await readFile(join(sb.dataDir, 'state.json'), 'utf8')) as { signingJwk: JWK };
  const key = await importJWK(state.signingJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    oid: user.objectId,
    tid: sb.tenantId,
    upn: user.username,
    preferred_username: user.username,
    name: user.displayName,
    scp: 'user_impersonation',
    client_id: sb.clientId,
  })
    .setProtectedHeader({
      alg: 'RS256',
      ...(state.signingJwk.kid ? { kid: state.signingJwk.kid } : {}),
      typ: 'at+jwt',
    })
    .setSubject(user.objectId)
    .setIssuer(opts.issuer ?? sb.issuer)
    .setAudience(opts.audience ?? sb.armUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresInSeconds ?? 3600))
    .sign(key);
}
