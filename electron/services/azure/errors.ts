/**
 * Turns SDK RestErrors, Graph error bodies and network failures into AppErrors an IT admin can act on.
 * Azure's own error code always travels in details.azureCode. Tokens never appear: messages come from the
 * service's error body, never from request headers.
 */
import { AppError, type ErrorCode } from '../../../shared/errors.ts';

interface RestLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { status?: number; headers?: { get(n: string): string | undefined }; bodyAsText?: string | null };
  details?: unknown;
  cause?: unknown;
}

const HINTS: Record<string, string> = {
  MissingSubscriptionRegistration:
    'Register the resource provider for this subscription first (Settings → Resource providers, or the "Register" button).',
  AuthorizationFailed:
    'Your account lacks the permission; ask a subscription Owner to grant the role named above, or sign in with an account that has it.',
  InvalidAuthenticationTokenAudience: 'The token was issued for another service; sign out and sign in again.',
  ExpiredAuthenticationToken: 'Sign in again.',
};

function bodyError(r: RestLike): { code?: string; message?: string } {
  const text = r.response?.bodyAsText;
  if (!text) return {};
  try {
    const j = JSON.parse(text) as { error?: { code?: string; message?: string }; code?: string; message?: string };
    return j.error ?? j;
  } catch {
    return {};
  }
}

/** What the operation was, e.g. "List storage accounts in subscription 1234…". */
export function mapAzureError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const r = (err ?? {}) as RestLike;
  if (r.cause instanceof AppError) return r.cause;
  if (r.name === 'AbortError') return new AppError('CANCELLED', `${what}: cancelled.`);
  const status = r.statusCode ?? r.response?.status;
  const body = bodyError(r);
  const azureCode = body.code ?? r.code ?? '';
  const serviceMsg = (body.message ?? r.message ?? String(err)).split('\n')[0].slice(0, 600);
  const details: Record<string, string | number> = { operation: what };
  if (azureCode) details.azureCode = azureCode;
  if (status) details.status = status;
  const hint = HINTS[azureCode] ? ` ${HINTS[azureCode]}` : '';
  let code: ErrorCode;
  if (status === undefined) {
    const sys = r.code ?? '';
    if (/^E[A-Z]+/.test(sys) || r.name === 'RestError' || /fetch failed|socket|certificate/i.test(serviceMsg)) {
      return new AppError(
        'NETWORK',
        `${what}: cannot reach the service (${sys || 'network error'}: ${serviceMsg}).`,
        details,
      );
    }
    return new AppError('INTERNAL', `${what}: ${serviceMsg}`, details);
  } else if (status === 401) code = 'SIGNIN_REQUIRED';
  else if (status === 403) code = 'PERMISSION_DENIED';
  else if (status === 404) code = 'NOT_FOUND';
  else if (status === 409) code = 'CONFLICT';
  else if (status === 429) {
    const ra = r.response?.headers?.get('retry-after');
    if (ra) details.retryAfterSeconds = Number(ra) || ra.length;
    return new AppError(
      'THROTTLED',
      `${what}: Azure is throttling requests (429 ${azureCode}); the console retried and gave up. Try again${ra ? ` in ${ra} s` : ' later'}.`,
      details,
    );
  } else code = 'AZURE';
  const prefix =
    status === 401 ? 'Azure refused the sign-in' : `Azure answered ${status}${azureCode ? ` ${azureCode}` : ''}`;
  return new AppError(code, `${what}: ${prefix}: ${serviceMsg}${hint}`, details);
}

export async function azureCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAzureError(err, what);
  }
}

/** Collects a paged SDK iterator (bounded, so a broken nextLink cannot loop forever). */
export async function collect<T>(it: AsyncIterable<T>, max = 10_000): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length >= max) break;
  }
  return out;
}
