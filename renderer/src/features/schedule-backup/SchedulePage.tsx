/**
 * Page 3: Specify Backup Schedule — daily or weekly, up to three times a day on 30-minute boundaries, weekly days and
 * every 1–4 weeks; the next three runs in the user's time zone (shared/schedule.ts, the scheduler's own arithmetic).
 * data-testid: sb-frequency, sb-frequency-daily, sb-frequency-weekly, sb-time-<i>, sb-time-remove-<i>, sb-time-add,
 *   sb-times-error, sb-day-<weekday>, sb-days-error, sb-every-weeks, sb-every-weeks-error, sb-next-runs, sb-timezone
 */
import { Button, Checkbox, Field, Input, Radio, RadioGroup, Text } from '@fluentui/react-components';
import { useShallow } from 'zustand/react/shallow';
import { MAX_TIMES_PER_DAY, WEEKDAYS } from '../../../../shared/policy.ts';
import { nextRuns } from '../../../../shared/schedule.ts';
import { formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { fieldState, toggleInOrder, usePageErrors } from './use-wizard.tsx';

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

export function SchedulePage() {
  const schedule = useAppStore(useShallow((s) => s.scheduleBackup.data.schedule));
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const { errors, show } = usePageErrors('schedule');
  const set = (p: Partial<typeof schedule>) => update({ schedule: { ...schedule, ...p } });
  const runs = Object.keys(errors).length ? [] : nextRuns(schedule, Date.now(), 3);

  return (
    <div
      style={{ display: 'grid', gap: 12, maxWidth: 720, gridTemplateColumns: 'minmax(0, 1fr)' }}
      data-testid="sb-schedule-page"
    >
      <Text as="h3" size={500} weight="semibold">
        Specify Backup Schedule
      </Text>
      <Field label="Schedule a backup every">
        <RadioGroup
          data-testid="sb-frequency"
          value={schedule.frequency}
          layout="horizontal"
          onChange={(_, d) => set({ frequency: d.value as 'daily' | 'weekly' })}
        >
          <Radio data-testid="sb-frequency-daily" value="daily" label="Day" />
          <Radio data-testid="sb-frequency-weekly" value="weekly" label="Week" />
        </RadioGroup>
      </Field>
      <Field
        label={`At the following times (HH:MM, on the hour or half hour; at most ${MAX_TIMES_PER_DAY} a day)`}
        {...fieldState(show('times'), 'sb-times')}
      >
        <div style={{ display: 'grid', gap: 6 }}>
          {schedule.times.map((t, i) => (
            <div key={i} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <Input
                data-testid={`sb-time-${i}`}
                aria-label={`Backup time ${i + 1}`}
                value={t}
                placeholder="21:00"
                style={{ width: 110 }}
                onChange={(_, d) => set({ times: schedule.times.map((x, j) => (j === i ? d.value.trim() : x)) })}
                onBlur={() => touch('times')}
              />
              <Button
                data-testid={`sb-time-remove-${i}`}
                aria-label={`Remove time ${i + 1}`}
                onClick={() => {
                  set({ times: schedule.times.filter((_, j) => j !== i) });
                  touch('times');
                }}
              >
                Remove
              </Button>
            </div>
          ))}
        </div>
      </Field>
      <div>
        <Button
          data-testid="sb-time-add"
          disabled={schedule.times.length >= MAX_TIMES_PER_DAY}
          onClick={() => {
            const used = new Set(schedule.times);
            const free = ['21:00', '12:00', '06:00', '18:00', '00:00'].find((x) => !used.has(x)) ?? '03:00';
            set({ times: [...schedule.times, free] });
          }}
        >
          Add a time
        </Button>
        {schedule.times.length >= MAX_TIMES_PER_DAY && <Text size={200}> At most three backups a day.</Text>}
      </div>
      {schedule.frequency === 'weekly' && (
        <>
          <Field label="On these days" {...fieldState(show('days'), 'sb-days')}>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }} role="group" aria-label="Days of the week">
              {WEEKDAYS.map((d) => (
                <Checkbox
                  key={d}
                  data-testid={`sb-day-${d}`}
                  label={cap(d)}
                  checked={schedule.days.includes(d)}
                  onChange={(_, v) => {
                    set({ days: toggleInOrder(WEEKDAYS, schedule.days, d, !!v.checked) });
                    touch('days');
                  }}
                />
              ))}
            </div>
          </Field>
          <Field label="Every N weeks (1–4)" {...fieldState(show('everyWeeks'), 'sb-every-weeks')}>
            <Input
              data-testid="sb-every-weeks"
              type="number"
              min={1}
              max={4}
              style={{ width: 110 }}
              value={Number.isFinite(schedule.everyWeeks) ? String(schedule.everyWeeks) : ''}
              onChange={(_, d) => set({ everyWeeks: d.value === '' ? NaN : Number(d.value) })}
              onBlur={() => touch('everyWeeks')}
            />
          </Field>
        </>
      )}
      <Text data-testid="sb-timezone" size={200}>
        Times are in {schedule.timeZone} and follow its daylight-saving changes.
      </Text>
      <div data-testid="sb-next-runs" aria-live="polite">
        <Text weight="semibold">Next backups:</Text>
        {runs.length ? (
          <ol style={{ margin: '4px 0' }}>
            {runs.map((r) => (
              <li key={r}>{formatDateTime(r, schedule.timeZone)}</li>
            ))}
          </ol>
        ) : (
          <Text> — (fix the schedule above)</Text>
        )}
      </div>
    </div>
  );
}
