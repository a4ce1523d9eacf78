import { describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';

/**
 * Every file electron-builder.yml names must exist and be the kind of image the packager wants: an installer
 * without its icon builds here (no target is packaged offline) and only fails, or ships a default icon, where a
 * release is made.
 */
const named = async (): Promise<string[]> => {
  const yml = await readFile(join(repoRoot, 'electron-builder.yml'), 'utf8');
  return [...new Set([...yml.matchAll(/:\s*(assets\/[A-Za-z0-9._/-]+)/g)].map((m) => m[1]))];
};

const pngSize = (b: Buffer) => {
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
};

describe('packaging assets', () => {
  it('names at least the icons of every target, and each named file exists', async () => {
    const files = await named();
    expect(files).toEqual(
      expect.arrayContaining(['assets/icon.ico', 'assets/icon.icns', 'assets/icons', 'assets/installer-sidebar.bmp']),
    );
    for (const f of files) await expect(stat(join(repoRoot, f)), f).resolves.toBeTruthy();
  });

  it('Windows: an .ico holding a 256×256 image (electron-builder refuses smaller)', async () => {
    const b = await readFile(join(repoRoot, 'assets/icon.ico'));
    expect([b.readUInt16LE(0), b.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: b.readUInt16LE(4) }, (_, i) => b[6 + 16 * i] || 256);
    expect(sizes).toContain(256);
    expect(sizes).toContain(16);
  });

  it('macOS: an .icns with a 512×512 image', async () => {
    const b = await readFile(join(repoRoot, 'assets/icon.icns'));
    expect(b.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(b.readUInt32BE(4)).toBe(b.length);
    const types: string[] = [];
    for (let o = 8; o < b.length; o += b.readUInt32BE(o + 4)) types.push(b.subarray(o, o + 4).toString('latin1'));
    expect(types).toContain('ic09');
  });

  it('Linux: square PNGs named by their size, up to 512', async () => {
    const dir = join(repoRoot, 'assets/icons');
    const names = (await readdir(dir)).filter((n) => n.endsWith('.png'));
    expect(names).toEqual(expect.arrayContaining(['16x16.png', '48x48.png', '256x256.png', '512x512.png']));
    for (const n of names) {
      const [w, h] = n.replace('.png', '').split('x').map(Number);
      expect(pngSize(await readFile(join(dir, n))), n).toEqual({ w, h });
    }
  });

  it('NSIS sidebar: a 164×314 24-bit BMP; dmg background: a PNG', async () => {
    const bmp = await readFile(join(repoRoot, 'assets/installer-sidebar.bmp'));
    expect(bmp.subarray(0, 2).toString('latin1')).toBe('BM');
    expect([bmp.readInt32LE(18), Math.abs(bmp.readInt32LE(22)), bmp.readUInt16LE(28)]).toEqual([164, 314, 24]);
    expect(pngSize(await readFile(join(repoRoot, 'assets/dmg-background.png')))).toEqual({ w: 540, h: 380 });
  });
});
