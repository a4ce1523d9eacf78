import { describe, expect, it } from 'vitest';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { PolicyService } from './index.ts';
import { samplePolicy, tempDir, testProtector } from './test-policies.ts';

const OLD = 'old passphrase 0123456789';
const NEW = 'new passphrase 9876543210';

async function service() {
  const dataDir = await tempDir();
  const stagingLocation = await tempDir('obc-stg-');
  const svc = new PolicyService({ dataDir, protector: testProtector, tasks: new TaskManager() });
  await svc.load();
  return { svc, stagingLocation, dataDir };
}

describe('Change Properties', () => {
  it('changes the passphrase after checking the current one; staging data keeps its passphrase', async () => {
    const { svc, stagingLocation } = await service();
    await expect(svc.changePassphrase(OLD, NEW)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await svc.save(samplePolicy({}, stagingLocation), OLD);
    await mkdir(join(stagingLocation, 'seed-2026'));
    await writeFile(join(stagingLocation, 'seed-2026', 'seed.json'), '{}');
    await expect(svc.changePassphrase('wrong passphrase 000000', NEW)).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await expect(svc.changePassphrase(OLD, 'short')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/at least 16/),
    });
    await expect(svc.changePassphrase(OLD, OLD)).rejects.toMatchObject({
      message: 'The new passphrase is the same as the current one.',
    });
    const r = await svc.changePassphrase(OLD, NEW);
    expect(r.changed).toBe(true);
    expect(r.notes.join(' ')).toMatch(/job "seed-2026" was written with the previous passphrase/);
    expect(await svc.passphraseForJob('seed-2026')).toBe(OLD);
    expect(await svc.passphraseForJob('another-job')).toBe(NEW);
    const third = 'third passphrase 55555555';
    await svc.changePassphrase(NEW, third);
    expect(await svc.passphraseForJob('seed-2026')).toBe(OLD);
    expect(svc.properties()).toMatchObject({ passphraseSet: true, protection: 'test protector' });
  });

  it('stores throttling and proxy settings in the policy file', async () => {
    const { svc } = await service();
    const v = await svc.setProperties({
      throttling: {
        enabled: true,
        workDays: ['monday'],
        workStart: '08:00',
        workEnd: '17:30',
        workKbps: 512,
        nonWorkKbps: 2048,
      },
      proxy: { mode: 'manual', host: '10.0.0.1', port: 8080 },
    });
    expect(v.throttling.workKbps).toBe(512);
    expect(v.proxy).toEqual({ mode: 'manual', host: '10.0.0.1', port: 8080, hasPassword: false });
    expect(JSON.parse(await readFile(svc.store.file, 'utf8')).properties.throttling.nonWorkKbps).toBe(2048);
  });

  it('delete removes staging data only when asked and only the job folder with seed.json', async () => {
    const { svc, stagingLocation } = await service();
    await svc.save(samplePolicy({}, stagingLocation), OLD);
    const kept = await svc.delete(false);
    expect(kept.notes.join(' ')).toMatch(/was kept/);
    await svc.save(samplePolicy({}, stagingLocation));
    await mkdir(join(stagingLocation, 'seed-2026'));
    await writeFile(join(stagingLocation, 'seed-2026', 'seed.json'), '{}');
    expect((await svc.delete(true)).stagingDeleted).toBe(true);
  });

  it('stores a container SAS URL sealed, shows only what it is for, and goes back to the Entra application', async () => {
    const { svc, stagingLocation } = await service();
    const sig = 'c2VjcmV0LXNpZ25hdHVyZS0xMjM0NTY3ODkw';
    const url = (o: { account?: string; container?: string; sp?: string; se?: string } = {}) =>
      `https://${o.account ?? 'seedacct01'}.blob.core.windows.net/${o.container ?? 'seed-data'}?sv=2025-11-05&sr=c&sp=${o.sp ?? 'rwdl'}&se=${o.se ?? '2099-01-01T00:00:00Z'}&sig=${encodeURIComponent(sig)}`;
    expect(svc.properties().containerAccess).toEqual({ mode: 'entraApp' });
    await expect(svc.setContainerAccess({ mode: 'sas', sasUrl: url() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/No backup is scheduled yet/),
    });
    await svc.save(samplePolicy({ initialBackup: { type: 'online' } }, stagingLocation), OLD);
    await expect(svc.setContainerAccess({ mode: 'sas', sasUrl: url() })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/no container for a SAS URL to open/),
    });
    await svc.save(samplePolicy({}, stagingLocation));
    await expect(svc.setContainerAccess({ mode: 'sas', sasUrl: url({ container: 'other' }) })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/for container "other", not "seed-data"/),
    });
    await expect(svc.setContainerAccess({ mode: 'sas', sasUrl: url({ account: 'elsewhere1' }) })).rejects.toMatchObject(
      { message: expect.stringMatching(/storage account "elsewhere1", not "seedacct01"/) },
    );
    await expect(svc.setContainerAccess({ mode: 'sas', sasUrl: url({ sp: 'rl' }) })).rejects.toMatchObject({
      message: expect.stringMatching(/need write \(w\), delete \(d\)/),
    });
    await expect(
      svc.setContainerAccess({ mode: 'sas', sasUrl: url({ se: '2020-01-01T00:00:00Z' }) }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/expired on 2020-01-01/) });
    expect(svc.properties().containerAccess).toEqual({ mode: 'entraApp' });

    const v = await svc.setContainerAccess({ mode: 'sas', sasUrl: `  ${url()}\n` });
    expect(v.containerAccess).toMatchObject({
      mode: 'sas',
      sas: {
        account: 'seedacct01',
        container: 'seed-data',
        permissions: 'rwdl',
        expiresOn: '2099-01-01T00:00:00.000Z',
      },
    });
    expect(JSON.stringify(v)).not.toContain(sig);
    const file = await readFile(svc.store.file, 'utf8');
    expect(file).not.toContain(sig);
    expect(file).not.toContain('sig=');
    expect(await svc.store.containerSas()).toBe(url());

    await svc.setContainerAccess({ mode: 'entraApp' });
    expect(svc.properties().containerAccess).toEqual({ mode: 'entraApp' });
    expect(await svc.store.containerSas()).toBeNull();
    // Deleting the policy drops the SAS of its container.
    await svc.setContainerAccess({ mode: 'sas', sasUrl: url() });
    await svc.delete(false);
    expect(await svc.store.containerSas()).toBeNull();
  });
});
