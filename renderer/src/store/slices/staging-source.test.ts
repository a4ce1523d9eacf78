import { beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { getAppState, resetAppStore, useAppStore } from '../index.ts';
import { DEFAULT_SETTINGS, settingsSchema } from '../../../../shared/contract/core.ts';
import type { PolicyView } from '../../../../shared/contract/policies.ts';

/**
 * Issue 17: the backup policy is the source of truth for the staging location. Disk Prep and Recover Data read it
 * every time their page opens, so a staging location changed in the policy later in the same session is taken.
 */
let t: FakeTransport;
let policyStaging: string | null;
const policyView = (): PolicyView =>
  ({
    policy:
      policyStaging === null
        ? null
        : {
            items: [{ path: '/srv', kind: 'folder' }],
            initialBackup: { type: 'ownDisks', ownDisk: { stagingLocation: policyStaging, importJobName: 'seed-one' } },
          },
  }) as unknown as PolicyView;

beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
  policyStaging = '/mnt/policy-a';
  t.handle('policy:get', () => ({ ok: true, value: policyView() }));
  t.handle('diskprep:jobs', (req) => ({
    ok: true,
    value: { stagingLocation: req.stagingLocation, jobs: [], broken: [] },
  }));
  t.handle('backup:jobs', () => ({ ok: true, value: [] }));
  t.handle('settings:set', (req) => ({ ok: true, value: settingsSchema.parse({ ...DEFAULT_SETTINGS, ...req }) }));
  useAppStore.setState({ settings: { ...DEFAULT_SETTINGS, lastStagingLocation: '/mnt/last-typed' } });
});

const jobsAsked = () =>
  t.calls
    .filter((c) => c.channel === 'diskprep:jobs')
    .map((c) => (c.req as { stagingLocation: string }).stagingLocation);

describe('Disk Prep takes the staging location from the policy at every opening', () => {
  it('the policy wins over the last folder used, and a later change of the policy is taken when the page opens again', async () => {
    await getAppState().openDiskPrep();
    expect(getAppState().diskPrep.stagingLocation).toBe('/mnt/policy-a');
    policyStaging = '/mnt/policy-b';
    await getAppState().openDiskPrep();
    expect(getAppState().diskPrep.stagingLocation).toBe('/mnt/policy-b');
    expect(jobsAsked()).toContain('/mnt/policy-b');
  });

  it('a folder typed for a staging location in no policy stays while the policy does not change', async () => {
    await getAppState().openDiskPrep();
    getAppState().setDiskPrepStaging('/mnt/typed');
    await getAppState().loadStagingJobs();
    await getAppState().openDiskPrep();
    expect(getAppState().diskPrep.stagingLocation).toBe('/mnt/typed');
    expect(jobsAsked()).toContain('/mnt/typed');
  });

  it('without a policy the last folder used is offered', async () => {
    policyStaging = null;
    await getAppState().openDiskPrep();
    expect(getAppState().diskPrep.stagingLocation).toBe('/mnt/last-typed');
  });

  it('a running Disk Prep keeps its staging location even when the policy changed', async () => {
    await getAppState().openDiskPrep();
    useAppStore.setState((s) => ({ diskPrep: { ...s.diskPrep, taskId: 'dp1', step: 'copy' } }));
    policyStaging = '/mnt/policy-b';
    await getAppState().openDiskPrep();
    expect(getAppState().diskPrep).toMatchObject({ stagingLocation: '/mnt/policy-a', taskId: 'dp1', step: 'copy' });
  });
});

describe('Recover Data takes the staging location from the policy at every opening', () => {
  it('a later change of the policy replaces the staging location taken from it; a typed one stays until then', async () => {
    await getAppState().loadRecoverDefaults();
    expect(getAppState().recoverData.draft.stagingLocation).toBe('/mnt/policy-a');
    getAppState().updateRecoverDraft({ stagingLocation: '/mnt/typed' });
    await getAppState().loadRecoverDefaults();
    expect(getAppState().recoverData.draft.stagingLocation).toBe('/mnt/typed');
    policyStaging = '/mnt/policy-b';
    await getAppState().loadRecoverDefaults();
    expect(getAppState().recoverData.draft.stagingLocation).toBe('/mnt/policy-b');
  });
});
