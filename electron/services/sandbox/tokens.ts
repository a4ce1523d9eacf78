import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTPayload } from 'jose';
import { HttpError } from './http-util.ts';

/** The caller as seen by the ARM and Graph emulators. */
export interface Caller {
  objectId: string;
  tenantId: string;
  upn: string;
  name: string;
  audience: string;
}

export interface BearerValidator {
  /** Throws HttpError 401 (with WWW-Authenticate) when the token is missing or invalid for `audience`. */
  validate(req: IncomingMessage, audience: string): Promise<Caller>;
}

/**
 * Validates bearer tokens against the identity server's JWKS: signature, issuer, audience and expiry, with
 * ARM's error codes (AuthenticationFailed, InvalidAuthenticationToken, InvalidAuthenticationTokenAudience,
 * ExpiredAuthenticationToken) and a WWW-Authenticate challenge naming the authority.
 */
export function createBearerValidator(opts: {
  jwks: JSONWebKeySet;
  issuer: string;
  authority: string;
}): BearerValidator {
  const keySet = createLocalJWKSet(opts.jwks);
  return {
    async validate(req, audience) {
      const challenge = (error: string, description: string) => ({
        'www-authenticate': `Bearer authorization_uri="${opts.authority}", error="${error}", error_description="${description}"`,
      });
      const header = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) {
        throw new HttpError(
          401,
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing.",
          {
            'www-authenticate': `Bearer authorization_uri="${opts.authority}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
          },
        );
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(m[1], keySet, { issuer: opts.issuer, clockTolerance: 0 }));
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) {
          const exp = (err.payload.exp ?? 0) * 1000;
          throw new HttpError(
            401,
            'ExpiredAuthenticationToken',
            `The access token expiry UTC time '${new Date(exp).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`,
            challenge('invalid_token', 'The access token has expired.'),
          );
        }
        if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iss') {
          throw new HttpError(
            401,
            'InvalidAuthenticationTokenTenant',
            `The access token is from the wrong issuer '${String(err.payload.iss)}'. It must match '${opts.issuer}'.`,
            challenge('invalid_token', 'The access token is from the wrong issuer.'),
          );
        }
        throw new HttpError(
          401,
          'InvalidAuthenticationToken',
          `The access token is invalid: ${(err as Error).message}.`,
          challenge('invalid_token', 'The access token is invalid.'),
        );
      }
      const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
      const norm = (s: string) => s.replace(/\/+$/, '');
      if (!aud.some((a) => norm(a) === norm(audience))) {
        throw new HttpError(
          401,
          'InvalidAuthenticationTokenAudience',
          `The access token has been obtained for wrong audience or resource '${aud.join(', ')}'. It should exactly match with one of the allowed audiences '${audience}','${audience}/'.`,
          challenge('invalid_token', 'The access token has been obtained for wrong audience or resource.'),
        );
      }
      const oid = String(payload.oid ?? payload.sub ?? '');
      return {
        objectId: oid,
        tenantId: String(payload.tid ?? ''),
        upn: String(payload.upn ?? payload.preferred_username ?? payload.appid ?? ''),
        name: String(payload.name ?? ''),
        audience,
      };
    },
  };
}
