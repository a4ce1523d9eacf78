import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { screensDir } from '../fixtures.ts';
import type { SignInDriver } from './sign-in.ts';

/** The acceptance journey's fixed names and its context (see journey.ts for the steps in order). */
export const JOURNEY = {
  job: 'seed-journey',
  container: 'seed-journey',
  storageAccount: 'obcseedv2',
  resourceGroup: 'backup-rg',
  passphrase: 'journey passphrase: correct horse battery staple',
  disks: [
    { serial: 'JOURNEY1', capacity: '70M' },
    { serial: 'JOURNEY2', capacity: '24M' },
  ],
} as const;

export interface Journey {
  page: Page;
  sandbox: SandboxHandle;
  /** The test's own temp folder: source, staging and restore live below it. */
  work: string;
  shot: (name: string) => Promise<void>;
  signIn: SignInDriver;
}

export interface JourneyPaths {
  source: string;
  stagingLocation: string;
  restore: string;
}

/**
 * Numbers the screenshots in the order the journey passes the screens: <prefix>-01-<name>, <prefix>-02-…; the
 * previous run's <prefix>-NN-* files are removed first, so the folder shows exactly one journey.
 */
export async function numberedShots(
  save: (name: string) => Promise<void>,
  prefix: string,
): Promise<(name: string) => Promise<void>> {
  await mkdir(screensDir, { recursive: true });
  const old = new RegExp(`^${prefix}-\\d\\d-.*\\.png$`);
  for (const f of await readdir(screensDir)) if (old.test(f)) await rm(join(screensDir, f), { force: true });
  let n = 0;
  return (name) => save(`${prefix}-${String(++n).padStart(2, '0')}-${name}`);
}

/**
 * ~72 MiB of incompressible data plus small and oddly named files. Packs are 64 MiB, so the backup has two packs
 * and the job needs more than one 70 MiB disk.
 */
export async function makeJourneySource(work: string): Promise<JourneyPaths> {
  const source = join(work, 'source');
  await mkdir(join(source, 'docs', 'deep'), { recursive: true });
  await mkdir(join(source, 'empty folder'), { recursive: true });
  await mkdir(join(source, 'Ünïcødé — 日本語'), { recursive: true });
  await writeFile(join(source, 'random-a.bin'), randomBytes(40 * 1024 * 1024));
  await writeFile(join(source, 'docs', 'random-b.bin'), randomBytes(32 * 1024 * 1024 + 13));
  await writeFile(join(source, 'docs', 'notes.txt'), 'offline backup journey\n'.repeat(2000));
  await writeFile(join(source, 'docs', 'deep', 'leaf.bin'), randomBytes(100_000));
  await writeFile(join(source, 'empty.txt'), '');
  await writeFile(join(source, 'Ünïcødé — 日本語', 'naïve café 🎉.txt'), 'unicode names round-trip\n');
  const stagingLocation = join(work, 'staging');
  await mkdir(stagingLocation, { recursive: true });
  return { source, stagingLocation, restore: join(work, 'restore') };
}
