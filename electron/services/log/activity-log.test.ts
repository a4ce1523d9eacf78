import { describe, expect, it } from 'vitest';
import { readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ActivityLog, redact, type LogLevel } from './activity-log.ts';
import { tempDir } from '../test-temp.ts';

describe('ActivityLog', () => {
  it('writes JSON lines at or above the chosen level, redacting secret-looking fields', async () => {
    const dir = await tempDir('obc-log-');
    let level: LogLevel = 'info';
    const log = new ActivityLog(dir, () => level);
    log.write('debug', 'hidden');
    log.write('info', 'backup:start', {
      job: 'seed-1',
      passphrase: 'correct horse battery staple!',
      nested: { accessToken: 'eyJ', bitLockerKey: '1-2' },
    });
    level = 'debug';
    log.write('debug', 'shown');
    await log.flush();
    const [file] = await readdir(join(dir, 'logs'));
    const text = await readFile(join(dir, 'logs', file), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event)).toEqual(['backup:start', 'shown']);
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('eyJ');
    expect(lines[0]).toMatchObject({
      job: 'seed-1',
      passphrase: '[redacted]',
      nested: { accessToken: '[redacted]', bitLockerKey: '[redacted]' },
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('removes logs older than 30 days', async () => {
    const dir = await tempDir('obc-log-');
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'obc-2001-01-01.log'), '{}\n');
    const log = new ActivityLog(dir, () => 'info');
    log.write('info', 'x');
    await log.flush();
    expect(await readdir(join(dir, 'logs'))).not.toContain('obc-2001-01-01.log');
    await rm(dir, { recursive: true, force: true });
  });

  it('redact cuts long strings and survives cycles of depth', () => {
    expect(redact('a'.repeat(600))).toMatch(/…\(600 chars\)$/);
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 20; i++) cur = (cur.n = {}) as Record<string, unknown>;
    expect(JSON.stringify(redact(deep))).toContain('[…]');
  });
});
