/**
 * Canonical JSON: object keys sorted, `undefined` members left out, no whitespace. Two writers that build the same
 * value get the same text, so a checksum over it does not depend on key order or formatting (the Disk Prep journal's
 * per-record `sum`, seed.json's and the job descriptor's `sum`). Pure.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The same text as `canonicalJson`, handed to `put` in pieces instead of built as one string: for values whose text
 * may be larger than one string may be, or than is worth holding at once (a large seed.json's checksum).
 */
export function canonicalJsonTo(v: unknown, put: (piece: string) => void): void {
  if (Array.isArray(v)) {
    put('[');
    for (let i = 0; i < v.length; i++) {
      if (i) put(',');
      canonicalJsonTo(v[i], put);
    }
    put(']');
    return;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    put('{');
    keys.forEach((k, i) => {
      put(`${i ? ',' : ''}${JSON.stringify(k)}:`);
      canonicalJsonTo(o[k], put);
    });
    put('}');
    return;
  }
  const text = JSON.stringify(v) as string | undefined;
  if (text !== undefined) put(text);
}
