import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeHost, nextEnabled, renderAt, validData } from './test-harness.tsx';

afterEach(cleanup);

const type = (id: string, value: string) => {
  const el = screen.getByTestId(id);
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};
const msg = (id: string) => screen.queryByTestId(`${id}-error`)?.textContent ?? null;

describe('Select Items to Back up', () => {
  it('needs an item; refuses relative paths and nesting; shows the estimated size per item', async () => {
    fakeHost();
    await renderAt('items', validData({ items: [] }));
    expect(nextEnabled()).toBe(false);
    type('sb-item-path', 'relative/dir');
    fireEvent.click(screen.getByTestId('sb-item-add'));
    expect(msg('sb-item-path')).toBe(
      'Item path "relative/dir" must be a full path (e.g. C:\\Data, \\\\server\\share or /srv/data).',
    );
    type('sb-item-path', '/srv/data');
    fireEvent.click(screen.getByTestId('sb-item-add'));
    await waitFor(() => expect(screen.getByTestId('sb-item-size-0').textContent).toBe('3.00 MiB · 3 files'));
    expect(nextEnabled()).toBe(true);
    type('sb-item-path', '/srv/data/sub');
    fireEvent.click(screen.getByTestId('sb-item-add'));
    expect(msg('sb-items')).toBe('"/srv/data/sub" is already included in "/srv/data"; remove one of them.');
    expect(nextEnabled()).toBe(false);
    fireEvent.click(screen.getByTestId('sb-item-remove-1'));
    expect(nextEnabled()).toBe(true);
    fireEvent.click(screen.getByTestId('sb-item-remove-0'));
    expect(msg('sb-items')).toBe('Add at least one file, folder or drive to back up.');
  });

  it('exclusions: file-type patterns and folder rules with their messages', async () => {
    fakeHost();
    await renderAt('items');
    type('sb-ex-pattern', 'music/*.mp3');
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(msg('sb-ex-pattern')).toBe(
      'File type pattern "music/*.mp3" may not contain "\\" or "/"; add a folder rule to exclude a folder.',
    );
    type('sb-ex-pattern', '*.mp3');
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(screen.getByTestId('sb-ex-pattern-0').textContent).toContain('*.mp3');
    type('sb-ex-pattern', '*.MP3');
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(msg('sb-ex-pattern-1')).toBe('File type pattern "*.MP3" is listed twice.');
    expect(nextEnabled()).toBe(false);
    fireEvent.click(screen.getByTestId('sb-ex-pattern-remove-1'));
    type('sb-ex-folder-path', '/elsewhere');
    fireEvent.click(screen.getByTestId('sb-ex-folder-add'));
    expect(msg('sb-ex-folder-0')).toBe(
      'Excluded folder "/elsewhere" is not inside any selected item, so the rule would have no effect.',
    );
    fireEvent.click(screen.getByTestId('sb-ex-folder-remove-0'));
    type('sb-ex-folder-path', '/srv/data/cache');
    fireEvent.click(screen.getByTestId('sb-ex-folder-add'));
    expect((screen.getByTestId('sb-ex-subfolders-0') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId('sb-ex-subfolders-0'));
    expect((screen.getByTestId('sb-ex-subfolders-0') as HTMLInputElement).checked).toBe(false);
    expect(nextEnabled()).toBe(true);
  });

  it('exclusions: a file type scoped to a folder, with or without its subfolders (MARS’s rule)', async () => {
    fakeHost();
    const get = await renderAt('items');
    type('sb-ex-pattern', '*.iso');
    type('sb-ex-type-folder', 'music');
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(msg('sb-ex-type-folder')).toBe(
      'Folder "music" must be a full path (e.g. C:\\Data, \\\\server\\share or /srv/data).',
    );
    type('sb-ex-type-folder', '/srv/data/images');
    fireEvent.click(screen.getByTestId('sb-ex-type-subfolders'));
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(screen.getByTestId('sb-ex-type-0').textContent).toContain('*.iso — in /srv/data/images');
    expect((screen.getByTestId('sb-ex-type-subfolders-0') as HTMLInputElement).checked).toBe(false);
    expect(get().scheduleBackup.data.exclusions.fileTypes).toEqual([
      { folder: '/srv/data/images', pattern: '*.iso', subfolders: false },
    ]);
    fireEvent.click(screen.getByTestId('sb-ex-type-subfolders-0'));
    expect(get().scheduleBackup.data.exclusions.fileTypes[0].subfolders).toBe(true);
    // The same rule twice, and a folder outside every item, are refused with the rule's words.
    type('sb-ex-pattern', '*.ISO');
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(msg('sb-ex-type-1')).toBe('File type *.ISO in "/srv/data/images" is listed twice.');
    expect(nextEnabled()).toBe(false);
    fireEvent.click(screen.getByTestId('sb-ex-type-remove-1'));
    type('sb-ex-pattern', '*.tmp');
    type('sb-ex-type-folder', '/other');
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(msg('sb-ex-type-1')).toBe(
      'Folder "/other" of the rule *.tmp is not inside any selected item, so the rule would have no effect.',
    );
    fireEvent.click(screen.getByTestId('sb-ex-type-remove-1'));
    // Without a folder, a file type applies in every item.
    type('sb-ex-type-folder', '');
    type('sb-ex-pattern', '~$*');
    fireEvent.click(screen.getByTestId('sb-ex-pattern-add'));
    expect(screen.getByTestId('sb-ex-pattern-0').textContent).toContain('~$* — in every item');
    expect(nextEnabled()).toBe(true);
  });
});

describe('Specify Backup Schedule', () => {
  it('30-minute boundaries, at most three times, weekly days and 1–4 weeks, next three runs', async () => {
    fakeHost();
    await renderAt('schedule');
    expect(screen.getByTestId('sb-next-runs').querySelectorAll('li')).toHaveLength(3);
    type('sb-time-0', '10:15');
    expect(msg('sb-times')).toBe('Time 10:15 is not on a 30-minute boundary; use 10:00 or 10:30.');
    expect(nextEnabled()).toBe(false);
    type('sb-time-0', '25:00');
    expect(msg('sb-times')).toBe('Time "25:00" must be a time of day as HH:MM (00:00–23:30).');
    type('sb-time-0', '23:30');
    expect(msg('sb-times')).toBeNull();
    fireEvent.click(screen.getByTestId('sb-time-add'));
    fireEvent.click(screen.getByTestId('sb-time-add'));
    expect((screen.getByTestId('sb-time-add') as HTMLButtonElement).disabled).toBe(true);
    type('sb-time-2', '23:30');
    expect(msg('sb-times')).toBe('Time 23:30 is chosen twice.');
    fireEvent.click(screen.getByTestId('sb-time-remove-2'));
    fireEvent.click(screen.getByTestId('sb-time-remove-1'));
    fireEvent.click(screen.getByTestId('sb-time-remove-0'));
    expect(msg('sb-times')).toBe('Choose at least one time of day for the backup.');
    fireEvent.click(screen.getByTestId('sb-time-add'));
    fireEvent.click(screen.getByTestId('sb-frequency-weekly'));
    fireEvent.click(screen.getByTestId('sb-day-sunday'));
    expect(msg('sb-days')).toBe('Choose at least one day of the week.');
    fireEvent.click(screen.getByTestId('sb-day-wednesday'));
    for (const [v, m] of [
      ['5', '"Every 5 weeks" is out of range: choose every 1 to 4 weeks.'],
      ['0', '"Every 0 weeks" is out of range: choose every 1 to 4 weeks.'],
      ['', 'Enter how many weeks apart backups run (1 to 4).'],
    ] as const) {
      type('sb-every-weeks', v);
      expect(msg('sb-every-weeks')).toBe(m);
    }
    type('sb-every-weeks', '4');
    expect(msg('sb-every-weeks')).toBeNull();
    expect(nextEnabled()).toBe(true);
  });
});

describe('Select Retention Policy', () => {
  it.each([
    ['daily', '9999', '10000', 'Daily retention must be 1 to 9999 days (got 10000).'],
    ['weekly', '5163', '5164', 'Weekly retention must be 1 to 5163 weeks (got 5164).'],
    ['monthly', '1188', '1189', 'Monthly retention must be 1 to 1188 months (got 1189).'],
    ['yearly', '99', '100', 'Yearly retention must be 1 to 99 years (got 100).'],
  ])('%s: max %s accepted, %s refused', async (tier, max, over, message) => {
    fakeHost();
    await renderAt('retention');
    if (tier !== 'daily') fireEvent.click(screen.getByTestId(`sb-ret-${tier}-enabled`));
    type(`sb-ret-${tier}`, over);
    expect(msg(`sb-ret-${tier}`)).toBe(message);
    expect(nextEnabled()).toBe(false);
    type(`sb-ret-${tier}`, '0');
    expect(msg(`sb-ret-${tier}`)).toMatch(/\(got 0\)/);
    type(`sb-ret-${tier}`, tier === 'daily' ? '30' : max);
    expect(msg(`sb-ret-${tier}`)).toBeNull();
  });

  it('counts recovery points and refuses more than 9,999', async () => {
    fakeHost();
    await renderAt(
      'retention',
      validData({
        schedule: { frequency: 'daily', times: ['01:00', '09:00', '17:00'], days: [], everyWeeks: 1, timeZone: 'UTC' },
      }),
    );
    type('sb-ret-daily', '3333');
    expect(screen.getByTestId('sb-ret-total').getAttribute('data-points')).toBe('9999');
    expect(nextEnabled()).toBe(true);
    type('sb-ret-daily', '3334');
    expect(msg('sb-ret-total')).toBe(
      'This retention keeps up to 10,002 recovery points; Azure Backup keeps at most 9,999. Shorten a row.',
    );
    expect(nextEnabled()).toBe(false);
    fireEvent.click(screen.getByTestId('sb-ret-daily-enabled'));
    expect(msg('sb-ret-total')).toBe('Keep at least one kind of recovery point (daily, weekly, monthly or yearly).');
  });
});

describe('Choose Initial Backup Type', () => {
  it('all three are selectable; only own disks shows the own-disk and sign-in pages', async () => {
    fakeHost();
    await renderAt('initialType');
    expect(screen.getByTestId('wizard-step-ownDisk')).toBeTruthy();
    fireEvent.click(screen.getByTestId('sb-type-online'));
    expect(screen.getByTestId('sb-type-note').textContent).toMatch(/no vault transfer/);
    expect(screen.queryByTestId('wizard-step-ownDisk')).toBeNull();
    expect(screen.queryByTestId('wizard-step-signIn')).toBeNull();
    fireEvent.click(screen.getByTestId('sb-type-dataBox'));
    expect(screen.getByTestId('sb-type-note').textContent).toMatch(/does not create Data Box orders/);
    expect(nextEnabled()).toBe(true);
  });
});
