/** Byte counts for people: the one byte formatter of the console, the CLI and the engine's messages. Pure. */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * 0 B · 999 B · 1.00 KiB · 12.3 MiB · 1.50 GiB (binary units, as disk tools show them). `roundUp` for capacities
 * asked for ("at least 7.57 MiB" must not read less than what is needed).
 */
export function formatBytes(n: number, roundUp = false): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${Math.round(n)} B`;
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  const f = 10 ** digits;
  return `${(roundUp ? Math.ceil(v * f - 1e-9) / f : v).toFixed(digits)} ${UNITS[i]}`;
}
