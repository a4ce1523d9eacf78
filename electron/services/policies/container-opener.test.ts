import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { policyContainerOpener, jobContainerOf } from './container-opener.ts';
import { samplePolicy } from './test-policies.ts';
import type { Policy } from '../../../shared/policy-schema.ts';

const policy = (over: Parameters<typeof samplePolicy>[0] = {}) =>
  ({ ...samplePolicy(over), id: 'p', state: 'active', lastRuns: [] }) as unknown as Policy;

describe('policyContainerOpener without a network', () => {
  it('takes the seed’s container, else the policy’s, and refuses a policy without one', () => {
    expect(jobContainerOf(policy(), null)).toEqual({
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      storageAccount: 'seedacct01',
      container: 'seed-data',
      job: 'seed-2026',
    });
    const seed = {
      jobName: 'j2',
      subscriptionId: 's',
      resourceGroup: 'rg',
      storageAccount: 'a2',
      container: 'c2',
      stagingDir: '/x',
    };
    expect(jobContainerOf(policy(), seed)).toMatchObject({ storageAccount: 'a2', container: 'c2', job: 'j2' });
    expect(() => jobContainerOf(policy({ initialBackup: { type: 'online' } }), null)).toThrow(
      /names no storage account container/,
    );
  });

  it('says what to do when the stored SAS was sealed by another program, before opening anything', async () => {
    let opened = 0;
    const open = policyContainerOpener({
      azure: async () => ({
        openContainer: async () => {
          opened++;
          throw new Error('not reached');
        },
      }),
      storedSasUrl: async () => {
        throw new AppError(
          'CORRUPT_DATA',
          'Protected data could not be decrypted with the key in /d/policy-secrets.key',
        );
      },
    });
    const err = await open({ policy: policy(), seed: null, signal: new AbortController().signal }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'SIGNIN_REQUIRED',
      message: expect.stringMatching(
        /cannot be opened here \(Protected data could not be decrypted.*obc policy container-access --container-url-file/s,
      ),
    });
    expect(opened).toBe(0);
    const cancelled = new AbortController();
    cancelled.abort(new Error('cancelled'));
    await expect(open({ policy: policy(), seed: null, signal: cancelled.signal })).rejects.toThrow('cancelled');
  });
});
