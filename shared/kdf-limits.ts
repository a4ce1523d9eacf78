/**
 * Caps on the key-derivation parameters a backup records (seed.json, a disk's copy of it, the job descriptor in the
 * container). Every reader checks them before scrypt runs, so an altered file cannot make the console spend
 * gigabytes of memory and many seconds before saying "wrong passphrase" (issue 13 §5). Pure: no Node, used by the
 * seed and descriptor schemas and by the engine's key derivation (defence in depth).
 *
 * Today's default is N = 2^17, r = 8, p = 1 (128 MiB, ~0.4 s here). The caps leave 8× room on memory and on work:
 * N ≤ 2^20, r ≤ 16, p ≤ 4, memory 128·N·r ≤ 1 GiB, work N·r·p ≤ 2^23. Why in docs/backup-format.md ("Keys").
 */
export const KDF_CAPS = {
  /** log2 N from 10 (the tests' fast setting) to 20. */
  logNMin: 10,
  logNMax: 20,
  rMax: 16,
  pMax: 4,
  /** 128 · N · r bytes: what scrypt allocates. */
  memoryMax: 1024 * 1024 * 1024,
  /** N · r · p: proportional to the time scrypt takes. */
  workMax: 2 ** 23,
  saltBytesMin: 16,
  saltBytesMax: 64,
  /** AES-GCM seal of a 16-byte constant: 12 + 16 + 16 = 44 bytes; a little room either way. */
  keyCheckBytesMin: 28,
  keyCheckBytesMax: 256,
} as const;

export interface KdfRecord {
  N: number;
  r: number;
  p: number;
  salt: string;
  keyCheck: string;
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decoded length of a base64 text, or -1 when it is not base64. */
export function base64Bytes(text: string): number {
  if (typeof text !== 'string' || !B64.test(text)) return -1;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - pad;
}

const MiB = 1024 * 1024;

/**
 * Every problem with recorded key parameters, each naming the field and its value (empty: within the caps).
 * Checked in this order so that nothing here costs memory: numbers first, then the lengths of the texts.
 */
export function kdfProblems(k: KdfRecord): string[] {
  const out = kdfCostProblems(k);
  const c = KDF_CAPS;
  const salt = base64Bytes(k.salt);
  if (salt < 0) out.push(`the key salt is not base64 (${String(k.salt).length} characters)`);
  else if (salt < c.saltBytesMin || salt > c.saltBytesMax)
    out.push(`the key salt is ${salt} bytes long, outside ${c.saltBytesMin}…${c.saltBytesMax}`);
  const check = base64Bytes(k.keyCheck);
  if (check < 0) out.push(`the key check is not base64 (${String(k.keyCheck).length} characters)`);
  else if (check < c.keyCheckBytesMin || check > c.keyCheckBytesMax)
    out.push(`the key check is ${check} bytes long, outside ${c.keyCheckBytesMin}…${c.keyCheckBytesMax}`);
  return out;
}

/** N, r and p alone: what scrypt would cost. */
export function kdfCostProblems(k: Pick<KdfRecord, 'N' | 'r' | 'p'>): string[] {
  const out: string[] = [];
  const c = KDF_CAPS;
  const int = (v: number) => typeof v === 'number' && Number.isSafeInteger(v);
  const logN = int(k.N) && k.N > 0 ? Math.log2(k.N) : NaN;
  if (!int(k.N) || !Number.isInteger(logN)) out.push(`scrypt N = ${String(k.N)} is not a power of two`);
  else if (logN < c.logNMin || logN > c.logNMax)
    out.push(`scrypt N = ${k.N} (2^${logN}) is outside 2^${c.logNMin}…2^${c.logNMax}`);
  if (!int(k.r) || k.r < 1 || k.r > c.rMax) out.push(`scrypt r = ${String(k.r)} is outside 1…${c.rMax}`);
  if (!int(k.p) || k.p < 1 || k.p > c.pMax) out.push(`scrypt p = ${String(k.p)} is outside 1…${c.pMax}`);
  if (!out.length) {
    const mem = 128 * k.N * k.r;
    if (mem > c.memoryMax)
      out.push(
        `scrypt N = ${k.N} with r = ${k.r} needs ${Math.round(mem / MiB)} MiB of memory, above the cap of ${c.memoryMax / MiB} MiB`,
      );
    if (k.N * k.r * k.p > c.workMax)
      out.push(`scrypt N·r·p = ${k.N}·${k.r}·${k.p} is above the cap of 2^${Math.log2(c.workMax)}`);
  }
  return out;
}
