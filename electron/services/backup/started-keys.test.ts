/**
 * A key derivation started ahead of its use (crypto.ts startDerivation; `obc backup` starts it before it loads the
 * engine, issue 15) stands in for scrypt only when it derives exactly the keys asked for: the same passphrase, salt
 * and parameters. Anything else derives its own, and every check and message stays as without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveKeys, newJobCrypto, startDerivation, unlockJob } from './crypto.ts';
import { runBackup } from './engine.ts';
import { jobDirOf, readSeed, startJobKeys } from './job-files.ts';
import { FAST_KDF, PASS, prng, tempDir } from './test-trees.ts';

const OTHER = 'another passphrase, long enough';

describe('newJobCrypto with a started derivation', () => {
  it('takes a fresh derivation of the same passphrase and parameters: its salt and its keys', async () => {
    const started = startDerivation(PASS, null, FAST_KDF)!;
    const made = await newJobCrypto(PASS, FAST_KDF, started);
    expect(made.keys).toBe(await started.keys);
    expect(made.crypto.salt).toBe(started.salt.toString('base64'));
    expect(await unlockJob(PASS, made.crypto, 'j')).toEqual(made.keys);
  });

  it('derives its own for another passphrase, other parameters or a seed.json salt', async () => {
    const fresh = await newJobCrypto(PASS, FAST_KDF);
    const cases = [
      startDerivation(OTHER, null, FAST_KDF)!,
      startDerivation(PASS, null, { ...FAST_KDF, N: FAST_KDF.N * 2 })!,
      startDerivation(PASS, fresh.crypto)!,
    ];
    for (const started of cases) {
      const made = await newJobCrypto(PASS, FAST_KDF, started);
      expect(made.keys).not.toBe(await started.keys);
      expect(await unlockJob(PASS, made.crypto, 'j')).toEqual(made.keys);
    }
  });

  it('still refuses a passphrase the rule refuses, with the rule', async () => {
    expect(startDerivation('short', null, FAST_KDF)).toBeNull();
    await expect(newJobCrypto('short', FAST_KDF, undefined)).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('unlockJob with a started derivation', () => {
  it("takes the derivation of the seed's salt and parameters", async () => {
    const { crypto } = await newJobCrypto(PASS, FAST_KDF);
    const started = startDerivation(PASS, crypto)!;
    expect(await unlockJob(PASS, crypto, 'j', 'seed.json', started)).toBe(await started.keys);
  });

  it('neither lets a wrong passphrase through nor fails a right one', async () => {
    const { crypto, keys } = await newJobCrypto(PASS, FAST_KDF);
    const ofRight = startDerivation(PASS, crypto)!;
    await expect(unlockJob(OTHER, crypto, 'j', 'seed.json', ofRight)).rejects.toThrow(
      'The passphrase does not match the one used for backup job "j".',
    );
    const ofWrong = startDerivation(OTHER, crypto)!;
    expect(await unlockJob(PASS, crypto, 'j', 'seed.json', ofWrong)).toEqual(keys);
    // A derivation of another salt (another job's seed) is not taken either.
    const other = await newJobCrypto(PASS, FAST_KDF);
    expect(await unlockJob(PASS, crypto, 'j', 'seed.json', startDerivation(PASS, other.crypto)!)).toEqual(keys);
  });

  it('starts nothing for parameters out of bounds; unlockJob names them as before', async () => {
    const { crypto } = await newJobCrypto(PASS, FAST_KDF);
    const bad = { ...crypto, N: 1 << 22 };
    expect(startDerivation(PASS, bad)).toBeNull();
    await expect(unlockJob(PASS, bad, 'j')).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('derives the same keys as scrypt itself', async () => {
    const { crypto } = await newJobCrypto(PASS, FAST_KDF);
    const started = startDerivation(PASS, crypto)!;
    expect(await started.keys).toEqual(await deriveKeys(PASS, Buffer.from(crypto.salt, 'base64'), FAST_KDF));
  });
});

describe('the engine with a started derivation', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let src: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('obc-started-keys-'));
    src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'a.bin'), prng(7)(100_000));
  });
  afterAll(() => cleanup());

  const backUp = (job: string, startedKeys: ReturnType<typeof startDerivation>) =>
    runBackup({
      items: [src],
      stagingLocation: join(dir, 'staging'),
      job: { name: job },
      passphrase: PASS,
      kdf: FAST_KDF,
      snapshots: false,
      ...(startedKeys ? { startedKeys } : {}),
    });

  it("startJobKeys: a fresh salt for a new job, the unfinished run's salt, nothing beside a completed one", async () => {
    const staging = join(dir, 'staging-jobs');
    expect(await startJobKeys(staging, 'Not A Job Name', PASS, FAST_KDF)).toBeNull();
    expect((await startJobKeys(staging, 'new-job', PASS, FAST_KDF))?.fresh).toBe(true);

    // A run stopped once seed.json is written: the next run resumes it, with its salt.
    const stop = new Error('stopped at seed');
    await expect(
      runBackup({
        items: [src],
        stagingLocation: staging,
        job: { name: 'unfinished' },
        passphrase: PASS,
        kdf: FAST_KDF,
        snapshots: false,
        testHook: (point) => {
          if (point === 'seed') throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const unfinished = (await readSeed(jobDirOf(staging, 'unfinished')))!;
    expect(unfinished.state).toBe('inProgress');
    const resumed = (await startJobKeys(staging, 'unfinished', PASS, FAST_KDF))!;
    expect(resumed.fresh).toBe(false);
    expect(resumed.salt.toString('base64')).toBe(unfinished.crypto.salt);
    expect(await unlockJob(PASS, unfinished.crypto, 'unfinished', 'seed.json', resumed)).toBe(await resumed.keys);

    // A completed backup: replacing it checks the passphrase against its seed.json first (a scrypt of its own).
    await runBackup({
      items: [src],
      stagingLocation: staging,
      job: { name: 'unfinished' },
      passphrase: PASS,
      kdf: FAST_KDF,
      snapshots: false,
    });
    expect((await readSeed(jobDirOf(staging, 'unfinished')))?.state).toBe('complete');
    expect(await startJobKeys(staging, 'unfinished', PASS, FAST_KDF)).toBeNull();
  });

  it('writes the salt of a matching derivation, and derives its own for another passphrase', async () => {
    const same = startDerivation(PASS, null, FAST_KDF)!;
    await backUp('started-same', same);
    const seed = await readSeed(jobDirOf(join(dir, 'staging'), 'started-same'));
    expect(seed?.crypto.salt).toBe(same.salt.toString('base64'));

    const other = startDerivation(OTHER, null, FAST_KDF)!;
    await backUp('started-other', other);
    const seed2 = (await readSeed(jobDirOf(join(dir, 'staging'), 'started-other')))!;
    expect(seed2.crypto.salt).not.toBe(other.salt.toString('base64'));
    await expect(unlockJob(PASS, seed2.crypto, 'started-other')).resolves.toBeDefined();
    await expect(unlockJob(OTHER, seed2.crypto, 'started-other')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });
});
