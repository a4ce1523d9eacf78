import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir } from '../../services/test-temp.ts';

const cli = resolve(import.meta.dirname, '..', 'index.ts');
const run = (dataDir: string, args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((ok) =>
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, OBC_DATA_DIR: dataDir } },
      (err, stdout, stderr) => ok({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe('obc verify-import --container-url / --container-url-file', () => {
  it('takes one of them, and names a file it cannot read', async () => {
    const dataDir = await tempDir('obc-ivcli-');
    const both = await run(dataDir, [
      'verify-import',
      '--staging',
      dataDir,
      '--job',
      'j',
      '--container-url',
      'https://a.blob.core.windows.net/c?sr=c&sig=x',
      '--container-url-file',
      join(dataDir, 'sas.txt'),
    ]);
    expect(both).toMatchObject({
      code: 2,
      stderr: 'error: Give either --container-url or --container-url-file, not both.\n',
    });
    const missing = await run(dataDir, [
      'verify-import',
      '--staging',
      dataDir,
      '--job',
      'j',
      '--container-url-file',
      join(dataDir, 'sas.txt'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: Cannot read the container SAS URL file .*sas\.txt: ENOENT/);
  }, 60_000);
});
