import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { killTestTimeout, listFiles, referenceRun, runCliUntil, tempDir } from './test-staging.ts';

const JOB = 'killjob';
// Seven CLI runs: six killed at the points below, one that finishes.
describe('kill -9 of the CLI at several points, then resume', { timeout: killTestTimeout(7) }, () => {
  it('ends with the same manifests, BOMs and data as an uninterrupted run', async () => {
    const root = await tempDir();
    // Staging a + b, disks a + b, one uninterrupted run onto the b disks; the CLI arguments for the a side.
    const { disksA, disksB, args } = await referenceRun(root, JOB);
    // Plan: SER1 takes files 0, 3 and the catalog (5); SER2 files 1, 2; SER3 file 4.
    const points = [
      'copy-partial:0',
      'copy-written:3',
      'manifest-written:SER1',
      'copy-partial:2',
      'readback:SER2',
      'committed:4',
    ];
    for (const p of points) {
      const r = await runCliUntil(args, p);
      expect(r.signal, `${p}: ${r.out.slice(-500)}`).toBe('SIGKILL');
    }
    const final = await runCliUntil(args);
    expect(final.code, final.out.slice(-800)).toBe(0);

    for (let i = 0; i < 3; i++) {
      const a = disksA[i];
      const b = disksB[i];
      for (const f of ['DriveManifest.xml', 'obc-bom.json'])
        expect((await readFile(join(a, f))).equals(await readFile(join(b, f))), `${f} of disk ${i + 1}`).toBe(true);
      const fa = await listFiles(a);
      expect(fa).toEqual(await listFiles(b));
      for (const f of fa.filter((x) => x.startsWith('obc-session-1')))
        expect((await readFile(join(a, f))).equals(await readFile(join(b, f))), f).toBe(true);
    }
    const drivesA = JSON.parse(await readFile(join(root, 'a', 'staging', `${JOB}.diskprep`, 'drives.json'), 'utf8'));
    const drivesB = JSON.parse(await readFile(join(root, 'b', 'staging', `${JOB}.diskprep`, 'drives.json'), 'utf8'));
    expect(drivesA.drives.map((d: { manifestHash: string }) => d.manifestHash)).toEqual(
      drivesB.drives.map((d: { manifestHash: string }) => d.manifestHash),
    );
  });
});
