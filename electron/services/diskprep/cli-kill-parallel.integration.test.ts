/**
 * kill -9 of `obc diskprep` in the middle of a parallel run (issue 15): OBC_DISKPREP_HALT_AT=<a>+<b>+… runs the
 * disks at once and holds each named checkpoint until all are held, so at the kill every disk is mid-way. The
 * resumed run ends with the same manifests, BOMs, data and drives.json as an uninterrupted run.
 */
import { describe, expect, it } from 'vitest';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { killTestTimeout, listFiles, referenceRun, runCliUntil, tempDir } from './test-staging.ts';

const JOB = 'pkilljob';
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('kill -9 of the CLI while every disk is being filled, then resume', () => {
  it(
    'ends with the same manifests, BOMs, data and drives.json as an uninterrupted run',
    { timeout: killTestTimeout(3) }, // two killed runs and the one that finishes
    async () => {
      const root = await tempDir();
      const { disksA, disksB, args } = await referenceRun(root, JOB);
      // Plan: SER1 takes files 0, 3 and the catalog; SER2 files 1, 2; SER3 file 4.
      // 1) Every disk holds the first range of its first file, none has a manifest.
      const first = await runCliUntil(args, 'copy-partial:0+copy-partial:1+copy-partial:4');
      expect(first.signal, first.out.slice(-500)).toBe('SIGKILL');
      for (const [i, f] of [
        [0, '000001'],
        [1, '000002'],
        [2, '000005'],
      ] as const) {
        expect(
          await exists(join(disksA[i], 'obc-session-1', JOB, 'packs', `${f}.pack`)),
          `disk ${i + 1} holds bytes`,
        ).toBe(true);
        expect(await exists(join(disksA[i], 'DriveManifest.xml')), `disk ${i + 1} has no manifest yet`).toBe(false);
      }
      // 2) SER1 has committed its first file, SER2 has its manifest and is in read-back; SER3 ran on to the end.
      const second = await runCliUntil(args, 'committed:0+manifest-written:SER2');
      expect(second.signal, second.out.slice(-500)).toBe('SIGKILL');
      const final = await runCliUntil(args);
      expect(final.code, final.out.slice(-800)).toBe(0);

      for (let i = 0; i < 3; i++) {
        for (const f of ['DriveManifest.xml', 'obc-bom.json'])
          expect(
            (await readFile(join(disksA[i], f))).equals(await readFile(join(disksB[i], f))),
            `${f} of disk ${i + 1}`,
          ).toBe(true);
        const fa = await listFiles(disksA[i]);
        expect(fa).toEqual(await listFiles(disksB[i]));
        for (const f of fa.filter((x) => x.startsWith('obc-session-1')))
          expect((await readFile(join(disksA[i], f))).equals(await readFile(join(disksB[i], f))), f).toBe(true);
        expect((await readFile(join(disksA[i], 'obc-journal.json'), 'utf8')).trim().split('\n').pop()).toMatch(
          /"t":"verified"/,
        );
      }
      const drives = async (side: string) =>
        (
          JSON.parse(await readFile(join(root, side, 'staging', `${JOB}.diskprep`, 'drives.json'), 'utf8')) as {
            drives: Array<{ driveId: string; manifestHash: string }>;
          }
        ).drives.map((d) => `${d.driveId}:${d.manifestHash}`);
      expect(await drives('a')).toEqual(await drives('b'));
    },
  );
});
