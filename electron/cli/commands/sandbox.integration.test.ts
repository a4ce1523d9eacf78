import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { sbRequest } from '../../services/sandbox/test-http.ts';
import { tempDir } from '../../services/test-temp.ts';

/** `obc sandbox --data <dir> --json` starts everything, writes cloud.json, answers, and stops on SIGTERM. */
describe('obc sandbox', () => {
  it('prints the cloud, serves ARM, keeps state across restarts and stops cleanly on SIGTERM', async () => {
    const dir = await tempDir('obc-sbcli-');
    const cli = resolve(import.meta.dirname, '..', 'index.ts');
    const run = async () => {
      const child = spawn(process.execPath, [cli, 'sandbox', '--data', dir, '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines = createInterface({ input: child.stdout! });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const first = await new Promise<any>((ok, fail) => {
        lines.once('line', (l) => ok(JSON.parse(l)));
        child.once('exit', (code) => fail(new Error(`sandbox exited early with ${code}`)));
      });
      return { child, first, lines };
    };
    try {
      const { child, first } = await run();
      expect(first.type).toBe('sandbox');
      expect(first.cloud).toMatchObject({
        name: 'LocalSandbox',
        tenant: first.tenantId,
        knownAuthorities: [expect.stringMatching(/^localhost:\d+$/)],
      });
      expect(JSON.parse(await readFile(join(dir, 'cloud.json'), 'utf8'))).toEqual(first.cloud);
      expect(first.users.map((u: { role: string }) => u.role)).toEqual(['Owner', 'Reader', 'Owner']);
      const admin = JSON.parse(await readFile(join(dir, 'admin.json'), 'utf8'));
      expect((await sbRequest(`${admin.url}/health`, { token: admin.token })).json).toEqual({ ok: true });
      const noToken = await sbRequest(`${first.cloud.armEndpoint}/subscriptions?api-version=2022-12-01`, {
        ca: first.cloud.caCertPem,
      });
      expect(noToken.status).toBe(401);
      const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      // Same data dir: same tenant, subscription and CA; ports reused when free.
      const again = await run();
      expect(again.first.tenantId).toBe(first.tenantId);
      expect(again.first.subscriptionId).toBe(first.subscriptionId);
      expect(again.first.cloud.caCertPem).toBe(first.cloud.caCertPem);
      expect(again.first.cloud.armEndpoint).toBe(first.cloud.armEndpoint);
      const exited2 = new Promise<number | null>((ok) => again.child.once('exit', (code) => ok(code)));
      again.child.kill('SIGINT');
      expect(await exited2).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
