import { describe, expect, it } from 'vitest';
import { containerSasOf } from './container-source.ts';
import { restoreSource } from './commands/backup.ts';

const SIG = 'c2lnbmF0dXJlLW5vdC1yZWFs';
const URL_ = `https://acct1.blob.core.windows.net/seed?sv=2022-11-02&sr=c&sp=rl&se=2099-01-01T00%3A00%3A00Z&sig=${SIG}`;

describe('--container-url with --from-container', () => {
  it('takes the storage account and container from the SAS URL; no subscription needed', async () => {
    const o = { job: 'job-a', fromContainer: true, containerUrl: URL_ } as Parameters<typeof containerSasOf>[0] & {
      job: string;
    };
    expect(await containerSasOf(o)).toBe(URL_);
    expect(restoreSource(o)).toMatchObject({ kind: 'container', storageAccount: 'acct1', container: 'seed' });
  });

  it('refuses it without --from-container, for another container, or without read and list; never echoing the signature', async () => {
    const errors = await Promise.all([
      containerSasOf({ containerUrl: URL_ }).catch((e: Error) => e),
      containerSasOf({ fromContainer: true, containerUrl: URL_, container: 'other' }).catch((e: Error) => e),
      containerSasOf({ fromContainer: true, containerUrl: URL_.replace('sp=rl', 'sp=r') }).catch((e: Error) => e),
      containerSasOf({ fromContainer: true, containerUrl: URL_, containerUrlFile: '/nonexistent' }).catch(
        (e: Error) => e,
      ),
    ]);
    expect(errors.map((e) => (e as Error).message)).toEqual([
      expect.stringMatching(/need --from-container/),
      expect.stringMatching(/is for container "seed", not "other"/),
      expect.stringMatching(/list/),
      expect.stringMatching(/not both/),
    ]);
    for (const e of errors)
      expect(JSON.stringify({ m: (e as Error).message, d: (e as { details?: unknown }).details })).not.toContain(SIG);
    expect(await containerSasOf({ fromContainer: true })).toBeUndefined();
  });
});
