import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from '@playwright/test';

/** Relative path → file bytes (or 'dir') for every entry below root. */
export async function snapshot(root: string, rel = ''): Promise<Map<string, Buffer | 'dir'>> {
  const out = new Map<string, Buffer | 'dir'>();
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.set(p, 'dir');
      for (const [k, v] of await snapshot(root, p)) out.set(k, v);
    } else out.set(p, await readFile(join(root, p)));
  }
  return out;
}

/** The same entries below both roots, every file equal byte for byte. */
export async function expectSameTree(want: string, got: string): Promise<void> {
  const a = await snapshot(want);
  const b = await snapshot(got);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [p, v] of a) {
    const g = b.get(p);
    if (v === 'dir') expect(g, p).toBe('dir');
    else expect(Buffer.compare(g as Buffer, v), `${p} differs`).toBe(0);
  }
}
