/**
 * Issue 13 §8 through the CLI: a backup has exactly one passphrase.
 *  - `backup --overwrite` with a passphrase other than the backup's: refused before anything is written (it used to
 *    replace the backup with a second passphrase, which Disk Prep and Recover then refused);
 *  - a job governed by the backup policy of the CLI's data dir: a passphrase other than the policy's is refused;
 *  - "wrong passphrase" never hints at tampering; damage to seed.json is named as damage (its own checksum).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileKeyProtector } from '../../electron/services/azure/protector.ts';
import { PolicyStore } from '../../electron/services/policies/policy-store.ts';
import { samplePolicy } from '../../electron/services/policies/test-policies.ts';
import { PASSPHRASE, cli, resultOf, tempDir, writePassFile } from './test-cli.ts';

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let pfA: string;
let pfB: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-pass-'));
  src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'a.txt'), 'one passphrase per backup\n'.repeat(1000));
  pfA = await writePassFile(dir);
  pfB = join(dir, 'other.txt');
  await writeFile(pfB, 'another passphrase, also long enough\n');
});
afterAll(async () => cleanup?.());

const backup = (
  stagingLocation: string,
  job: string,
  pf: string,
  extra: string[] = [],
  env: Record<string, string> = {},
) =>
  cli(
    ['backup', '--items', src, '--staging', stagingLocation, '--job', job, '--passphrase-file', pf, '--json', ...extra],
    { env: { OBC_DATA_DIR: join(dir, 'empty-data'), ...env } },
  );

describe('one passphrase per backup (issue 13 §8)', () => {
  it(
    'backup --overwrite with another passphrase is refused before anything is written',
    { timeout: 120_000 },
    async () => {
      const stagingLocation = join(dir, 'st1');
      expect((await backup(stagingLocation, 'pass-job', pfA)).code).toBe(0);
      const before = await readFile(join(stagingLocation, 'pass-job', 'seed.json'), 'utf8');
      const r = await backup(stagingLocation, 'pass-job', pfB, ['--overwrite']);
      expect(r.code).toBe(1);
      expect(resultOf(r)?.error).toMatchObject({
        code: 'WRONG_PASSPHRASE',
        message: expect.stringMatching(
          /does not match the one used for backup job "pass-job" \(the completed backup this run would replace\)\. A backup has exactly one passphrase/,
        ),
      });
      expect(await readFile(join(stagingLocation, 'pass-job', 'seed.json'), 'utf8')).toBe(before);
      expect((await backup(stagingLocation, 'pass-job', pfA, ['--overwrite'])).code).toBe(0);
    },
  );

  it(
    "a job governed by the data dir's backup policy takes only the policy's passphrase",
    { timeout: 120_000 },
    async () => {
      const dataDir = join(dir, 'data');
      await mkdir(dataDir);
      const stagingLocation = join(dir, 'st2');
      const store = new PolicyStore({ dataDir, protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')) });
      await store.load();
      await store.savePolicy(samplePolicy({}, stagingLocation), PASSPHRASE);
      const job = samplePolicy().initialBackup.ownDisk!.importJobName;
      const r = await backup(stagingLocation, job, pfB, [], { OBC_DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(resultOf(r)?.error).toMatchObject({
        code: 'WRONG_PASSPHRASE',
        message: expect.stringMatching(/not the one saved with the backup policy/),
      });
      expect(await readdir(stagingLocation).catch(() => [])).toEqual([]); // nothing written
      const ok = await backup(stagingLocation, job, pfA, [], { OBC_DATA_DIR: dataDir });
      expect(ok.code, ok.stdout.slice(-300) + ok.stderr).toBe(0);
    },
  );

  it(
    'a wrong passphrase is said plainly; a flipped byte in the key salt is named as damage to seed.json',
    { timeout: 120_000 },
    async () => {
      const stagingLocation = join(dir, 'st1');
      const wrong = await cli([
        'verify',
        '--staging',
        stagingLocation,
        '--job',
        'pass-job',
        '--passphrase-file',
        pfB,
        '--json',
      ]);
      expect(resultOf(wrong)?.error?.code).toBe('WRONG_PASSPHRASE');
      expect(resultOf(wrong)?.error?.message).not.toMatch(/altered|tamper|damaged/i);
      const path = join(stagingLocation, 'pass-job', 'seed.json');
      const seed = JSON.parse(await readFile(path, 'utf8'));
      seed.crypto.salt = (seed.crypto.salt[0] === 'A' ? 'B' : 'A') + seed.crypto.salt.slice(1);
      await writeFile(path, JSON.stringify(seed, null, 2));
      const flipped = await cli([
        'verify',
        '--staging',
        stagingLocation,
        '--job',
        'pass-job',
        '--passphrase-file',
        pfA,
        '--json',
      ]);
      expect(resultOf(flipped)?.error).toMatchObject({
        code: 'CORRUPT_DATA',
        message: expect.stringMatching(/seed\.json at .* fails its own checksum/),
      });
    },
  );
});
