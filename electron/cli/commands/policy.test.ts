import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileKeyProtector } from '../../services/azure/protector.ts';
import { PolicyService } from '../../services/policies/index.ts';
import { samplePolicy } from '../../services/policies/test-helpers.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';

const cli = resolve(import.meta.dirname, '..', 'index.ts');
const run = (dataDir: string, args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((ok) =>
    execFile(process.execPath, [cli, 'policy', ...args], { env: { ...process.env, OBC_DATA_DIR: dataDir } }, (err, stdout, stderr) =>
      ok({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe('obc policy', () => {
  it('shows, pauses, resumes, refuses a delete without DELETE and checks staging', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obc-polcli-'));
    expect((await run(dataDir, ['show'])).stdout).toBe('No backup policy is set up on this machine.\n');
    const svc = new PolicyService({ dataDir, protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')), tasks: new TaskManager() });
    await svc.store.load();
    await svc.save(samplePolicy({}, dataDir), 'a passphrase of 24 chars');
    const shown = await run(dataDir, ['show']);
    expect(shown.stdout).toMatch(/^State: active\nItems: \/srv\/data\nSchedule: daily at 21:00 \(UTC\)\nInitial backup: ownDisks → staging .*, job seed-2026\nNext: /);
    expect(shown.stdout).toMatch(/\nRuns in: no console is running on this data folder/);
    await svc.load(); // this process now holds the data dir's scheduler lease, as a running console would
    expect((await run(dataDir, ['show'])).stdout).toContain(`\nRuns in: browser mode on ${hostname()} (pid ${process.pid})\n`);
    svc.close();
    expect((await run(dataDir, ['pause'])).stdout).toBe('Policy is now paused.\n');
    const json = JSON.parse((await run(dataDir, ['show', '--json'])).stdout);
    expect(json.result).toMatchObject({ policy: { state: 'paused' }, nextRuns: [], passphraseSet: true });
    expect((await run(dataDir, ['resume'])).stdout).toBe('Policy is now active.\n');
    const del = await run(dataDir, ['delete', '--confirm', 'delete']);
    expect(del).toMatchObject({ code: 2, stderr: 'error: Type --confirm DELETE (in capitals) to delete the backup schedule.\n' });
    const bad = await run(dataDir, ['check-staging', join(dataDir, 'missing')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/does not exist/);
    expect((await run(dataDir, ['check-staging', dataDir])).stdout).toMatch(/is writable and has/);
    expect((await run(dataDir, ['delete', '--confirm', 'DELETE'])).stdout).toMatch(/^The backup schedule was deleted/);
  });
});
