import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRetention } from '../../../../shared/retention-rules.ts';
import { fakeHost, nextEnabled, renderAt, validData } from './test-harness.tsx';

afterEach(cleanup);

const click = (id: string) => fireEvent.click(screen.getByTestId(id));
const msg = (id: string) => screen.queryByTestId(`${id}-error`)?.textContent ?? null;
const checked = (id: string) =>
  (screen.getByTestId(id).querySelector('input') ?? (screen.getByTestId(id) as HTMLInputElement)).checked;
const disabled = (id: string) =>
  (screen.getByTestId(id).querySelector('input') ?? (screen.getByTestId(id) as HTMLInputElement)).disabled;

describe('Select Retention Policy: MARS’s choices', () => {
  it("builds MARS's example: weekly Saturday at both times, monthly last Saturday, yearly last Saturday of March", async () => {
    fakeHost();
    const schedule = {
      frequency: 'daily' as const,
      times: ['00:00', '18:00'],
      days: [],
      everyWeeks: 1,
      timeZone: 'UTC',
    };
    const get = await renderAt('retention', validData({ schedule, retention: defaultRetention(schedule) }));
    click('sb-ret-weekly-enabled');
    click('sb-ret-weekly-days-sunday');
    expect(msg('sb-ret-weekly-days')).toBe('Weekly retention: choose at least one day of the week.');
    expect(nextEnabled()).toBe(false);
    click('sb-ret-weekly-days-saturday');
    expect(msg('sb-ret-weekly-days')).toBeNull();
    expect(checked('sb-ret-weekly-time-00:00') && checked('sb-ret-weekly-time-18:00')).toBe(true);
    click('sb-ret-monthly-enabled');
    click('sb-ret-monthly-weekday-sunday');
    click('sb-ret-monthly-weekday-saturday');
    click('sb-ret-yearly-enabled');
    click('sb-ret-yearly-month-december');
    expect(msg('sb-ret-yearly-months')).toBe('Yearly retention: choose at least one month.');
    click('sb-ret-yearly-month-march');
    click('sb-ret-yearly-weekday-sunday');
    click('sb-ret-yearly-weekday-saturday');
    expect(nextEnabled()).toBe(true);
    const r = get().scheduleBackup.data.retention;
    expect(r.weekly).toEqual({ enabled: true, count: 4, days: ['saturday'], times: ['00:00', '18:00'] });
    expect(r.monthly).toMatchObject({ enabled: true, by: 'week', weeksOfMonth: ['last'], weekdays: ['saturday'] });
    expect(r.yearly).toMatchObject({
      enabled: true,
      months: ['march'],
      by: 'week',
      weeksOfMonth: ['last'],
      weekdays: ['saturday'],
    });
    // 30 days × 2 + 4 weeks × 1 day × 2 times + 12 × 2 + 10 × 1 × 2
    expect(screen.getByTestId('sb-ret-total').getAttribute('data-points')).toBe(String(60 + 8 + 24 + 20));
  });

  it('monthly by day of the month: 1–28 and the last day; a time can be left out but not all of them', async () => {
    fakeHost();
    const schedule = {
      frequency: 'daily' as const,
      times: ['00:00', '18:00'],
      days: [],
      everyWeeks: 1,
      timeZone: 'UTC',
    };
    const get = await renderAt('retention', validData({ schedule, retention: defaultRetention(schedule) }));
    click('sb-ret-monthly-enabled');
    click('sb-ret-monthly-by-day');
    expect(screen.queryByTestId('sb-ret-monthly-dom-29')).toBeNull(); // 29–31 do not exist in every month
    click('sb-ret-monthly-dom-1');
    click('sb-ret-monthly-dom-15');
    expect(get().scheduleBackup.data.retention.monthly.daysOfMonth).toEqual([1, 15, 'last']);
    click('sb-ret-monthly-time-00:00');
    expect(get().scheduleBackup.data.retention.monthly.times).toEqual(['18:00']);
    click('sb-ret-monthly-time-18:00');
    expect(msg('sb-ret-monthly-times')).toBe('Monthly retention: choose at least one backup time to keep.');
    expect(nextEnabled()).toBe(false);
  });

  it('with a weekly schedule only its backup days can be chosen and months go by week of the month', async () => {
    fakeHost();
    const schedule = {
      frequency: 'weekly' as const,
      times: ['21:00'],
      days: ['wednesday' as const, 'saturday' as const],
      everyWeeks: 1,
      timeZone: 'UTC',
    };
    await renderAt('retention', validData({ schedule, retention: defaultRetention(schedule) }));
    click('sb-ret-weekly-enabled');
    expect(checked('sb-ret-weekly-days-wednesday')).toBe(true);
    expect(disabled('sb-ret-weekly-days-monday')).toBe(true);
    expect(disabled('sb-ret-weekly-days-saturday')).toBe(false);
    click('sb-ret-monthly-enabled');
    expect(disabled('sb-ret-monthly-by-day')).toBe(true);
    expect(nextEnabled()).toBe(true);
  });

  it('follows the schedule: times removed on the schedule page are dropped from the rows when it is left', async () => {
    fakeHost();
    const schedule = {
      frequency: 'daily' as const,
      times: ['00:00', '18:00'],
      days: [],
      everyWeeks: 1,
      timeZone: 'UTC',
    };
    const r = defaultRetention(schedule);
    r.weekly.enabled = true;
    const get = await renderAt('schedule', validData({ schedule, retention: r }));
    click('sb-time-remove-0');
    click('wizard-next');
    expect(await screen.findByTestId('sb-retention-page')).toBeTruthy();
    expect(get().scheduleBackup.data.retention.weekly.times).toEqual(['18:00']);
    expect(screen.queryByTestId('sb-ret-weekly-time-00:00')).toBeNull();
    expect(nextEnabled()).toBe(true);
  });
});
