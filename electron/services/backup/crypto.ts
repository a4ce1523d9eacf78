import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import { droppedBuffers } from './collect.ts';
import { checkPassphrase } from '../../../shared/validators/passphrase.ts';
import { kdfCostProblems, kdfProblems } from '../../../shared/kdf-limits.ts';

/** scrypt parameters recorded in seed.json. N=2^17, r=8 → 128 MiB, ~0.4 s: slow enough to hurt guessing. */
export interface KdfParams {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_KDF: KdfParams = { N: 1 << 17, r: 8, p: 1 };

/** The two keys of a job: AES-256-GCM for data, HMAC-SHA256 for chunk ids (ids reveal nothing without the key). */
export interface JobKeys {
  enc: Buffer;
  mac: Buffer;
}

const KEY_CHECK_PLAINTEXT = Buffer.from('obc-key-check-v1');
const KEY_CHECK_AAD = Buffer.from('obc-key-check');
export const NONCE_LEN = 12;
export const TAG_LEN = 16;
/** Bytes a sealed blob adds to its plaintext: nonce + tag. */
export const SEAL_OVERHEAD = NONCE_LEN + TAG_LEN;

export function assertPassphrase(passphrase: string): void {
  const c = checkPassphrase(passphrase);
  if (!c.ok) throw new AppError('VALIDATION', c.reason, { field: 'passphrase' });
}

export async function deriveKeys(passphrase: string, salt: Buffer, params: KdfParams): Promise<JobKeys> {
  // Every caller is held to the caps (shared/kdf-limits.ts) before scrypt allocates anything.
  const bad = kdfCostProblems(params);
  if (bad.length)
    throw new AppError('CORRUPT_DATA', `The key parameters are out of bounds: ${bad.join('; ')}.`, {
      N: params.N,
      r: params.r,
      p: params.p,
    });
  const maxmem = 128 * params.N * params.r * params.p + 32 * 1024 * 1024;
  const out = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      Buffer.from(passphrase, 'latin1'),
      salt,
      64,
      { N: params.N, r: params.r, p: params.p, maxmem },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
  return { enc: out.subarray(0, 32), mac: out.subarray(32, 64) };
}

export function newSalt(): Buffer {
  return randomBytes(16);
}

/** AES-256-GCM: nonce ‖ ciphertext ‖ tag. The AAD binds the blob to its role (chunk id, catalog…). */
export function seal(key: Buffer, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_LEN);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const body = c.update(plaintext);
  const fin = c.final();
  return Buffer.concat([nonce, body, fin, c.getAuthTag()], NONCE_LEN + body.length + fin.length + TAG_LEN);
}

const SLICE = 64 * 1024;

/**
 * Like `seal`, into `into` (or a new exactly-sized buffer), encrypting in 64 KiB slices so no second
 * chunk-sized buffer is allocated (large short-lived allocations fragment the allocator and inflate RSS).
 */
export function sealInto(key: Buffer, plaintext: Uint8Array, aad: Uint8Array, into?: Buffer): Buffer {
  const out = into ?? Buffer.allocUnsafeSlow(plaintext.length + SEAL_OVERHEAD);
  if (out.length !== plaintext.length + SEAL_OVERHEAD)
    throw new RangeError('sealInto: output buffer has the wrong length');
  const nonce = randomBytes(NONCE_LEN);
  nonce.copy(out, 0);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  let o = NONCE_LEN;
  for (let i = 0; i < plaintext.length; i += SLICE) o += c.update(plaintext.subarray(i, i + SLICE)).copy(out, o);
  o += c.final().copy(out, o);
  droppedBuffers(plaintext.length);
  c.getAuthTag().copy(out, o);
  return out;
}

/** A decipher for a sealed blob (nonce ‖ ciphertext ‖ tag): the AAD and tag set, the body not yet fed. */
function decipherOf(key: Buffer, buf: Buffer, aad: Uint8Array) {
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, NONCE_LEN));
  d.setAAD(aad);
  d.setAuthTag(buf.subarray(buf.length - TAG_LEN));
  return d;
}

/** Authenticates a sealed blob without keeping its plaintext (decrypts in 64 KiB slices). */
export function authenticates(key: Buffer, sealed: Uint8Array, aad: Uint8Array): boolean {
  if (sealed.length < SEAL_OVERHEAD) return false;
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  try {
    const d = decipherOf(key, buf, aad);
    const end = buf.length - TAG_LEN;
    for (let i = NONCE_LEN; i < end; i += SLICE) d.update(buf.subarray(i, Math.min(end, i + SLICE)));
    droppedBuffers(end - NONCE_LEN);
    d.final();
    return true;
  } catch {
    return false;
  }
}

/** Returns the plaintext or null when the blob does not authenticate (wrong key, damage, wrong AAD). */
export function open(key: Buffer, sealed: Uint8Array, aad: Uint8Array): Buffer | null {
  if (sealed.length < SEAL_OVERHEAD) return null;
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  try {
    const d = decipherOf(key, buf, aad);
    const body = d.update(buf.subarray(NONCE_LEN, buf.length - TAG_LEN));
    const fin = d.final();
    return fin.length ? Buffer.concat([body, fin]) : body;
  } catch {
    return null;
  }
}

export function makeKeyCheck(keys: JobKeys): string {
  return seal(keys.enc, KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD).toString('base64');
}

export function keyCheckMatches(keys: JobKeys, keyCheck: string): boolean {
  const pt = open(keys.enc, Buffer.from(keyCheck, 'base64'), KEY_CHECK_AAD);
  return pt !== null && pt.length === KEY_CHECK_PLAINTEXT.length && timingSafeEqual(pt, KEY_CHECK_PLAINTEXT);
}

/** Keyed SHA-256 chunk id. */
export function chunkId(mac: Buffer, data: Uint8Array): Buffer {
  return createHmac('sha256', mac).update(data).digest();
}

export interface SeedCrypto {
  kdf: 'scrypt';
  salt: string;
  N: number;
  r: number;
  p: number;
  keyCheck: string;
}

/**
 * A key derivation started ahead of its use: `obc backup` starts it before it loads the engine, so that scrypt's
 * ~0.4 s runs beside the loading of the modules instead of after it (issue 15). It stands in for scrypt alone:
 * `newJobCrypto` and `unlockJob` take it only when it was started for the same passphrase, salt and parameters, and
 * check everything else (the passphrase rule, the parameters' bounds, the key check) as they do without it.
 */
export interface StartedDerivation {
  readonly passphrase: string;
  /** A fresh salt (a new job's), not the salt of a seed.json. */
  readonly fresh: boolean;
  readonly salt: Buffer;
  readonly params: KdfParams;
  readonly keys: Promise<JobKeys>;
}

/**
 * Starts deriving the keys of a run: from the salt and parameters of `resumed` (the seed.json of the unfinished run
 * it resumes), else from a fresh salt with `params`. Null when the passphrase or the parameters would be refused:
 * the call that takes the derivation then reports them with its usual message, and no scrypt is started for nothing.
 */
export function startDerivation(
  passphrase: string,
  resumed: SeedCrypto | null,
  params: KdfParams = DEFAULT_KDF,
): StartedDerivation | null {
  if (!checkPassphrase(passphrase).ok) return null;
  const p = resumed ? { N: resumed.N, r: resumed.r, p: resumed.p } : params;
  if (resumed ? kdfProblems(resumed).length : kdfCostProblems(p).length) return null;
  const salt = resumed ? Buffer.from(resumed.salt, 'base64') : newSalt();
  const keys = deriveKeys(passphrase, salt, p);
  // Taken (and awaited) later, or dropped when it does not match; a failure before then is not unhandled.
  keys.catch(() => undefined);
  return { passphrase, fresh: !resumed, salt, params: p, keys };
}

const sameParams = (a: KdfParams, b: KdfParams): boolean => a.N === b.N && a.r === b.r && a.p === b.p;

/** Whether `started` derives exactly these keys. */
const derives = (
  started: StartedDerivation | undefined,
  passphrase: string,
  salt: Buffer,
  params: KdfParams,
): started is StartedDerivation =>
  !!started && started.passphrase === passphrase && started.salt.equals(salt) && sameParams(started.params, params);

/** A fresh salt and keys for a new job; `started` is used when it is a fresh derivation with these parameters. */
export async function newJobCrypto(
  passphrase: string,
  params: KdfParams = DEFAULT_KDF,
  started?: StartedDerivation,
): Promise<{ keys: JobKeys; crypto: SeedCrypto }> {
  assertPassphrase(passphrase);
  const take = started?.fresh && derives(started, passphrase, started.salt, params);
  const salt = take ? started.salt : newSalt();
  const keys = await (take ? started.keys : deriveKeys(passphrase, salt, params));
  return { keys, crypto: { kdf: 'scrypt', salt: salt.toString('base64'), ...params, keyCheck: makeKeyCheck(keys) } };
}

/**
 * Derives the job keys and checks them against seed.json before anything else is read. `where` names the file the
 * parameters come from (seed.json, a disk's copy, the container's descriptor) in the messages. `started`: see
 * `startDerivation`.
 */
export async function unlockJob(
  passphrase: string,
  crypto: SeedCrypto,
  jobName: string,
  where = 'seed.json',
  started?: StartedDerivation,
): Promise<JobKeys> {
  const bad = kdfProblems(crypto);
  if (bad.length) {
    throw new AppError(
      'CORRUPT_DATA',
      `The key parameters of backup job "${jobName}" in ${where} are out of bounds, so the file has been altered or damaged: ${bad.join('; ')}. Nothing was derived.`,
      {
        job: jobName,
        path: where,
      },
    );
  }
  const salt = Buffer.from(crypto.salt, 'base64');
  const params = { N: crypto.N, r: crypto.r, p: crypto.p };
  const keys = await (derives(started, passphrase, salt, params) ? started.keys : deriveKeys(passphrase, salt, params));
  if (!keyCheckMatches(keys, crypto.keyCheck)) {
    throw new AppError('WRONG_PASSPHRASE', `The passphrase does not match the one used for backup job "${jobName}".`, {
      job: jobName,
    });
  }
  return keys;
}
