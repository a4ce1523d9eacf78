import { describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxService } from './service.ts';
import type { CloudDefinition } from '../../../shared/clouds.ts';
import { tempDir } from '../test-temp.ts';

describe('SandboxService', () => {
  it('starts once, hands the cloud over, maps datacenter refusals to AppErrors, stops', async () => {
    const dir = await tempDir('obc-sbsvc-');
    const handed: CloudDefinition[] = [];
    const svc = new SandboxService({
      dataDir: dir,
      onStarted: (c) => handed.push(c),
      startOptions: { azurite: false, registrationDelayMs: 0 },
    });
    try {
      expect(svc.status().running).toBe(false);
      const [a, b] = await Promise.all([svc.start(), svc.start()]);
      expect(a.cloud).toEqual(b.cloud);
      expect(handed).toHaveLength(1);
      expect(JSON.parse(await readFile(join(dir, 'sandbox', 'cloud.json'), 'utf8')).name).toBe('LocalSandbox');
      await expect(svc.receiveDisks('backup-rg', 'no-such-job', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await svc.stop();
      expect(svc.status().running).toBe(false);
      await expect(svc.transfer('backup-rg', 'x')).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await svc.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
