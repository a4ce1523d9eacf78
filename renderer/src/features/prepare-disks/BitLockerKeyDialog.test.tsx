import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiskInfo } from '../../../../shared/contract/diskprep.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore, useAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { BitLockerKeyDialog } from './BitLockerKeyDialog.tsx';
import { CopyProgressPage } from './CopyProgressPage.tsx';
import { DisksPage } from './DisksPage.tsx';
import { EraseDialog } from './EraseDialog.tsx';
import { diskRefFor, maskRecoveryPassword, normalizeRecoveryPassword, recoveryPasswordProblem } from './disk-rules.ts';

afterEach(cleanup);

const KEY = '238810-662376-448998-450120-652806-203390-606320-483076';
const STAGING = '/data/staging';
const JOB = 'seed-key';
const MiB = 1024 * 1024;

const disk = (serial: string, over: Partial<DiskInfo> = {}): DiskInfo => ({
  id: `disk:${serial}`,
  kind: 'windows',
  rehearsal: false,
  serial,
  model: 'WDC WD40EFRX',
  sizeBytes: 4000 * 1000 ** 3,
  busType: 'SATA',
  partitionStyle: 'GPT',
  volumes: [{ mount: 'E', fileSystem: 'NTFS', sizeBytes: 4000 * 1000 ** 3, freeBytes: 4000 * 1000 ** 3 }],
  isSystem: false,
  isBoot: false,
  readOnly: false,
  holdsStaging: false,
  usedBytes: 0,
  refusals: [],
  warnings: [],
  ...over,
});

const wrap = (ui: React.ReactNode) => render(<FluentProvider theme={webLightTheme}>{ui}</FluentProvider>);
const type = (value: string) => fireEvent.change(screen.getByTestId('dp-key-input'), { target: { value } });
const message = () => screen.queryByTestId('dp-key-message')?.textContent ?? null;

describe('recovery password rules', () => {
  it('says only what is already wrong while typing, everything on accept', () => {
    expect(recoveryPasswordProblem('238810-66', false)).toBeNull();
    expect(recoveryPasswordProblem('238810-662377-', false)).toMatch(
      /^Group 2 \(662377\) is not part of a valid BitLocker recovery password/,
    );
    expect(recoveryPasswordProblem('238810-66x', false)).toMatch(/Only digits and dashes/);
    expect(recoveryPasswordProblem('2388100-', false)).toMatch(/Group 1 has 7 digits/);
    expect(recoveryPasswordProblem('238810-66', true)).toMatch(/Group 2 has 2 digits/);
    expect(recoveryPasswordProblem(KEY.split('-').slice(0, 7).join('-'), true)).toMatch(/48-digit recovery password/);
    expect(recoveryPasswordProblem('', true)).toMatch(/Enter the 48-digit recovery password/);
    expect(recoveryPasswordProblem(KEY, true)).toBeNull();
  });
  it('takes pasted forms and masks the key', () => {
    expect(normalizeRecoveryPassword(KEY.replace(/-/g, ''))).toBe(KEY);
    expect(normalizeRecoveryPassword(` ${KEY.replace(/-/g, ' ')} `)).toBe(KEY);
    expect(normalizeRecoveryPassword(KEY.replace(/-/g, ' - '))).toBe(KEY);
    expect(maskRecoveryPassword(KEY)).toBe('••••••-…-483076');
    expect(maskRecoveryPassword(KEY)).not.toContain('238810');
  });
  it('a disk with a key is sent with it and without confirmErase (a rehearsal disk holding files is still cleared)', () => {
    expect(diskRefFor('disk:1', disk('A'), KEY)).toEqual({ id: 'disk:1', existingBitLockerKey: KEY });
    expect(diskRefFor('disk:1', disk('A'), undefined)).toEqual({ id: 'disk:1', confirmErase: true });
    expect(diskRefFor('/f', disk('F', { kind: 'folder', usedBytes: 10 }), KEY)).toEqual({
      id: '/f',
      existingBitLockerKey: KEY,
      confirmErase: true,
    });
    // …unless it was prepared for this job: the copy resumes on it (and the host checks the key against it).
    expect(diskRefFor('/f', disk('F', { kind: 'folder', usedBytes: 10, jobName: 'j' }), KEY, 'j')).toEqual({
      id: '/f',
      existingBitLockerKey: KEY,
    });
  });
});

describe('BitLockerKeyDialog', () => {
  it('explains that the volume is kept, validates inline and accepts a pasted key normalized', () => {
    const onAccept = vi.fn();
    wrap(<BitLockerKeyDialog disk={disk('WD123')} onAccept={onAccept} onRemove={vi.fn()} onClose={vi.fn()} />);
    const dlg = screen.getByTestId('dp-key-dialog');
    expect(dlg.textContent).toContain('not erased');
    expect(dlg.textContent).toContain('recovery password');
    expect(dlg.textContent).toContain('manage-bde -protectors -get E:');
    type('238810-662377-');
    expect(message()).toMatch(
      /Group 2 \(662377\) is not part of a valid BitLocker recovery password.*check it for a typo/,
    );
    type('238810-662376');
    expect(message()).toBeNull();
    fireEvent.click(screen.getByTestId('dp-key-accept'));
    expect(message()).toMatch(/48-digit recovery password/);
    expect((screen.getByTestId('dp-key-accept') as HTMLButtonElement).disabled).toBe(true);
    expect(onAccept).not.toHaveBeenCalled();
    type(KEY.replace(/-/g, ''));
    expect(message()).toBeNull();
    fireEvent.click(screen.getByTestId('dp-key-accept'));
    expect(onAccept).toHaveBeenCalledWith(KEY);
  });
  it('a key already given shows masked, never in full; it can be removed', () => {
    const onRemove = vi.fn();
    wrap(
      <BitLockerKeyDialog
        disk={disk('WD123')}
        currentKey={KEY}
        onAccept={vi.fn()}
        onRemove={onRemove}
        onClose={vi.fn()}
      />,
    );
    expect(screen.getByTestId('dp-key-current').textContent).toContain('••••••-…-483076');
    expect(document.body.textContent).not.toContain(KEY);
    expect((screen.getByTestId('dp-key-input') as HTMLInputElement).value).toBe('');
    fireEvent.click(screen.getByTestId('dp-key-remove'));
    expect(onRemove).toHaveBeenCalled();
  });
});

describe('Disks step with a disk that is already encrypted', () => {
  let t: FakeTransport;
  beforeEach(() => {
    t = createFakeTransport();
    installTransport(() => t);
    resetAppStore();
    t.handle('diskprep:plan', () => ({
      ok: true,
      value: {
        fits: true,
        neededBytes: 0,
        totalBytes: 10 * MiB,
        disks: [],
        unassignedFiles: 0,
        tooManyDisks: false,
        split: [],
      },
    }));
    t.handle('auth:status', () => ({ ok: true, value: { signedIn: true } as never }));
    t.handle('diskprep:start', () => ({ ok: true, value: { taskId: 'dp9' } }));
    useAppStore.setState((s) => ({
      diskPrep: {
        ...s.diskPrep,
        stagingLocation: STAGING,
        job: JOB,
        step: 'disks',
        reached: 1,
        passphrase: 'pp',
        selected: ['disk:WD1', 'disk:WD2'],
        disks: { disks: [disk('WD1'), disk('WD2', { volumes: [], usedBytes: 5 })], windowsAvailable: true },
      },
    }));
  });

  it('the action opens the dialog per selected disk; the row then says it keeps its volume, key masked; start sends the key', async () => {
    wrap(
      <>
        <DisksPage />
        <EraseDialog />
      </>,
    );
    expect(screen.getByTestId('disk-key-WD1').textContent).toBe('Already BitLocker-encrypted…');
    fireEvent.click(screen.getByTestId('disk-key-WD1'));
    expect(screen.getByTestId('dp-key-dialog').textContent).toContain('Disk WD1 is already BitLocker-encrypted');
    type(KEY);
    fireEvent.click(screen.getByTestId('dp-key-accept'));
    await expect.poll(() => screen.queryByTestId('dp-key-dialog')).toBeNull();
    expect(getAppState().diskPrep.bitLockerKeys).toEqual({ 'disk:WD1': KEY });
    expect(screen.getByTestId('disk-keeps-WD1').textContent).toBe(
      'Keeps its BitLocker volume (key given)key ••••••-…-483076',
    );
    expect(screen.getByTestId('disk-key-WD1').textContent).toBe('Change key…');
    expect(document.body.textContent).not.toContain(KEY);

    // Next: only WD2 is erased (typed confirmation); WD1 is named as kept.
    getAppState().openErase('start', getAppState().diskPrep.selected);
    expect(getAppState().diskPrep.erase).toEqual({ mode: 'start', diskIds: ['disk:WD2'] });
    expect((await screen.findByTestId('dp-erase-kept-WD1')).textContent).toBe('WD1');
    expect(screen.queryByTestId('dp-erase-disk-WD1')).toBeNull();
    await getAppState().confirmErase();
    const req = t.calls.find((c) => c.channel === 'diskprep:start')?.req as { disks: unknown[] };
    expect(req.disks).toEqual([
      { id: 'disk:WD1', existingBitLockerKey: KEY },
      { id: 'disk:WD2', confirmErase: true },
    ]);
  });

  it('no erase confirmation when every disk keeps its volume; deselecting a disk forgets its key', async () => {
    getAppState().setDiskBitLockerKey('disk:WD1', KEY);
    getAppState().toggleDisk('disk:WD2');
    getAppState().openErase('start', getAppState().diskPrep.selected);
    await expect.poll(() => t.calls.some((c) => c.channel === 'diskprep:start')).toBe(true);
    expect(getAppState().diskPrep.erase).toBeNull();
    expect((t.calls.find((c) => c.channel === 'diskprep:start')?.req as { disks: unknown[] }).disks).toEqual([
      { id: 'disk:WD1', existingBitLockerKey: KEY },
    ]);
    getAppState().toggleDisk('disk:WD1');
    expect(getAppState().diskPrep.bitLockerKeys).toEqual({});
  });
});

describe('copy step: the host says the key is not the volume’s', () => {
  beforeEach(() => {
    const t = createFakeTransport();
    installTransport(() => t);
    resetAppStore();
    t.handle('diskprep:status', () => ({
      ok: true,
      value: { jobName: JOB, stateDir: '/s', started: true, complete: false, disks: [] },
    }));
    useAppStore.setState((s) => ({
      diskPrep: {
        ...s.diskPrep,
        stagingLocation: STAGING,
        job: JOB,
        step: 'copy',
        reached: 3,
        taskId: 'dp9',
        bitLockerKeys: { 'disk:WD1': KEY },
      },
    }));
  });
  it('shows a clear error that leads back to the Disks step, not a Resume that would fail again', () => {
    getAppState().upsertTask(
      makeTask({
        id: 'dp9',
        kind: 'diskprep',
        status: 'failed',
        error: {
          code: 'VALIDATION',
          message: "The BitLocker key given for disk WD1 does not match the volume's recovery password.",
        },
      }),
    );
    wrap(<CopyProgressPage />);
    const box = screen.getByTestId('dp-copy-error');
    expect(box.getAttribute('data-wrong-key')).toBe('true');
    expect(box.textContent).toContain('The BitLocker key does not match');
    expect(box.textContent).toContain('disk WD1');
    expect(box.textContent).toContain('48-digit recovery password');
    expect(screen.queryByText('Resume')).toBeNull();
    fireEvent.click(screen.getByTestId('dp-wrong-key-retry'));
    expect(getAppState().diskPrep.step).toBe('disks');
  });
});
