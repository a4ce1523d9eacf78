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
