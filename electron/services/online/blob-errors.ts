/**
 * A storage error as words an admin can act on. The credential cases matter most for runs nobody watches: a SAS or
 * token that expired or was revoked says so (SIGNIN_REQUIRED, `details.credential`), a principal without the data
 * role says which role (PERMISSION_DENIED), and every message says that nothing is lost — committed packs and
 * points stay, and the next run sends only what is missing.
 */
import { AppError } from '../../../shared/errors.ts';

export const NOTHING_LOST =
  'Nothing was lost: restore points already in the container are untouched, and packs this run committed (or staged) are kept — the next run continues from them without sending them again.';

interface StorageErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
  name?: string;
  details?: { errorCode?: string; authenticationErrorDetail?: string };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'REQUEST_SEND_ERROR',
]);

export function isAbort(err: unknown): boolean {
  const e = err as StorageErrorShape | null;
  return e?.name === 'AbortError' || (err instanceof AppError && err.code === 'CANCELLED');
}

/** The service's error code (x-ms-error-code) of a storage error. */
export function storageCode(err: unknown): string {
  const e = err as StorageErrorShape | null;
  return e?.details?.errorCode ?? e?.code ?? '';
}

export const statusOf = (err: unknown): number | undefined => (err as StorageErrorShape | null)?.statusCode;

/** `what` says what was being done: "uploading pack online/packs/pack-000012.bin". `where` names the container. */
export function blobError(err: unknown, what: string, where: string): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as StorageErrorShape;
  const status = e.statusCode;
  const code = storageCode(err);
  const detail = (e.details?.authenticationErrorDetail ?? e.message ?? '').split('\n')[0].slice(0, 300);
  const base = { container: where, ...(status ? { status } : {}), ...(code ? { azureCode: code } : {}) };
  if (isAbort(err)) return new AppError('CANCELLED', `Cancelled while ${what}. ${NOTHING_LOST}`, base);
  // Azure answers an expired or revoked SAS with 403 AuthenticationFailed and an expired token with 401
  // InvalidAuthenticationInfo; Azurite answers an expired SAS with 403 AuthorizationFailure and the same words
  // ("Server failed to authenticate the request"), so the words count too.
  const refused =
    /^(AuthenticationFailed|InvalidAuthenticationInfo|NoAuthenticationInformation)$/.test(code) ||
    /failed to authenticate the request/i.test(e.message ?? '');
  if (status === 401 || (status === 403 && refused)) {
    return new AppError(
      'SIGNIN_REQUIRED',
      `The container ${where} refused this machine's credential while ${what} (${code || status}: ${detail}). The credential has expired or was revoked: renew it (the application's certificate, or a new container SAS URL), then run the backup again. ${NOTHING_LOST}`,
      { ...base, credential: 'refused' },
    );
  }
  if (status === 403) {
    return new AppError(
      'PERMISSION_DENIED',
      `The container ${where} refused ${what} (${code || 403}: ${detail}). The credential works but may not write here: the application needs the Storage Blob Data Contributor role on the storage account, or the SAS needs read, add, create, write, delete and list permissions. ${NOTHING_LOST}`,
      { ...base, credential: 'notAllowed' },
    );
  }
  if (status === 404 && code === 'ContainerNotFound')
    return new AppError('NOT_FOUND', `The container ${where} does not exist (${what}).`, base);
  if (status === 429 || status === 503 || code === 'ServerBusy')
    return new AppError(
      'THROTTLED',
      `The storage account is busy (${code || status}) while ${what}; the run stopped after the SDK's retries. ${NOTHING_LOST}`,
      base,
    );
  if (
    (e.code && NETWORK_CODES.has(e.code)) ||
    (!status && /ECONN|ENOTFOUND|ETIMEDOUT|socket hang up|network/i.test(e.message ?? ''))
  )
    return new AppError(
      'NETWORK',
      `The storage account cannot be reached while ${what} (${e.code ?? 'network error'}: ${detail}). ${NOTHING_LOST}`,
      base,
    );
  return new AppError(
    'AZURE',
    `The container ${where} failed while ${what} (${[status, code].filter(Boolean).join(' ') || 'error'}: ${detail}). ${NOTHING_LOST}`,
    base,
  );
}

/** Runs a storage call, turning its failure into `blobError`. */
export async function onBlob<T>(what: string, where: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw blobError(err, what, where);
  }
}

/** The container as messages name it: `account/container/job/`. */
export function whereOf(c: { accountName: string; containerName: string }, job: string): string {
  return `${c.accountName}/${c.containerName}/${job}/`;
}
