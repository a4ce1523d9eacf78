import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiskInfo } from '../../../../shared/contract/diskprep.ts';
import { DisksTable } from './DisksTable.tsx';
import { capacitySummary, diskRow, eraseConfirmed } from './disk-rules.ts';

afterEach(cleanup);

const TB = 1000 ** 4;
const disk = (over: Partial<DiskInfo>): DiskInfo => ({
  id: `disk:${over.serial}`,
  kind: 'windows',
  rehearsal: false,
  serial: 'S',
  model: 'WDC WD40EFRX',
  sizeBytes: 4 * TB,
  busType: 'SATA',
  partitionStyle: 'GPT',
  volumes: [],
  isSystem: false,
  isBoot: false,
  readOnly: false,
  holdsStaging: false,
  usedBytes: 0,
  refusals: [],
  warnings: [],
  ...over,
});

const DISKS: DiskInfo[] = [
  disk({ serial: 'SYS0', isSystem: true, refusals: [{ code: 'SYSTEM_DISK', message: 'Holds the system volume C:.' }] }),
  disk({
    serial: 'STG1',
    holdsStaging: true,
    refusals: [{ code: 'HOLDS_STAGING', message: 'Holds the staging location D:\\Staging.' }],
  }),
  disk({ serial: 'USB2', busType: 'USB' }),
  disk({ serial: 'BIG3', sizeBytes: 12 * TB }),
  disk({ serial: 'OK4' }),
  disk({
    serial: 'FD5',
    id: '/data/rehearsal-disks/FD5',
    kind: 'folder',
    rehearsal: true,
    busType: 'Folder',
    sizeBytes: 2 ** 30,
    model: 'Rehearsal folder disk',
  }),
];

const renderTable = (selected: string[] = [], onToggle = vi.fn()) => {
  render(
    <FluentProvider theme={webLightTheme}>
      <DisksTable disks={DISKS} selected={selected} onToggle={onToggle} />
    </FluentProvider>,
  );
  return onToggle;
};

describe('DisksTable', () => {
  it('disables the system and staging disks with the reason', () => {
    renderTable();
    for (const [serial, reason] of [
      ['SYS0', /system volume C:/],
      ['STG1', /staging location D:\\Staging/],
    ] as const) {
      const row = screen.getByTestId(`disk-row-${serial}`);
      expect(row.getAttribute('data-selectable')).toBe('false');
      expect((screen.getByTestId(`disk-select-${serial}`) as HTMLInputElement).disabled).toBe(true);
      expect(screen.getByTestId(`disk-reason-${serial}`).textContent).toMatch(reason);
    }
  });

  it('warns about USB and over-10-TB disks but lets them be chosen', () => {
    const onToggle = renderTable();
    expect(screen.getByTestId('disk-warnings-USB2').textContent).toMatch(/only SATA disks or SSDs may be shipped/);
    expect(screen.getByTestId('disk-warnings-BIG3').textContent).toMatch(/Over 10 TB/);
    expect(screen.getByTestId('disk-warnings-OK4').textContent).toBe('');
    fireEvent.click(screen.getByTestId('disk-select-USB2'));
    expect(onToggle).toHaveBeenCalledWith('disk:USB2');
  });

  it('labels folder disks as rehearsal disks and shows sizes, bus and model', () => {
    renderTable(['/data/rehearsal-disks/FD5']);
    const row = screen.getByTestId('disk-row-FD5');
    expect(within(row).getByTestId('disk-rehearsal-FD5').textContent).toBe('Rehearsal disk');
    expect(row.getAttribute('data-selected')).toBe('true');
    expect(row.textContent).toContain('1.00 GiB');
    expect(screen.getByTestId('disk-row-BIG3').textContent).toContain('10.9 TiB');
    expect(screen.getByTestId('disk-row-OK4').textContent).toContain('SATA');
  });
});

describe('disk rules', () => {
  it('keeps engine warnings and does not duplicate them', () => {
    const r = diskRow(
      disk({ serial: 'U', busType: 'USB', warnings: [{ code: 'USB_BUS', message: 'engine says USB' }] }),
    );
    expect(r.warnings.map((w) => w.message)).toEqual(['engine says USB']);
    expect(diskRow(disk({ serial: 'X', isSystem: true })).reason).toMatch(/system volume/);
  });
  it('computes capacity needed vs selected and the 10-disk limit', () => {
    const two = [disk({ sizeBytes: 600 }), disk({ sizeBytes: 500 })];
    expect(capacitySummary(two, 1000)).toMatchObject({ selectedBytes: 1100, percent: 100, fits: true, tooMany: false });
    expect(capacitySummary(two.slice(0, 1), 1000)).toMatchObject({ percent: 60, fits: false });
    expect(capacitySummary(two, 1000, false).fits).toBe(false);
    expect(capacitySummary([], 1000)).toMatchObject({ percent: 0, fits: false });
    expect(
      capacitySummary(
        Array.from({ length: 11 }, () => disk({})),
        1,
      ).tooMany,
    ).toBe(true);
  });
  it('confirms erasing only with the exact job name', () => {
    expect(eraseConfirmed(' seed-1 ', 'seed-1')).toBe(true);
    expect(eraseConfirmed('Seed-1', 'seed-1')).toBe(false);
  });
});
