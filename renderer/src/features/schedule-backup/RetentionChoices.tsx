/**
 * The choices under a retention row (Select Retention Policy): days of the week, backup times, day or week of the
 * month, months. Plain checkbox groups; every change goes through `onChange` with the whole new value.
 * data-testid (with the row's prefix p, e.g. sb-ret-monthly): p-day-<weekday>, p-time-<HH:MM>, p-by-day, p-by-week,
 *   p-dom-<1..28|last>, p-week-<first..last>, p-weekday-<weekday>, p-month-<month>, and p-<field>-error
 */
import { Checkbox, Field, Radio, RadioGroup } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { WEEKDAYS, type Weekday } from '../../../../shared/policy.ts';
import {
  MAX_DAY_OF_MONTH,
  MONTHS,
  WEEKS_OF_MONTH,
  type DayOfMonth,
  type MonthDayRule,
  type Month,
  type WeekOfMonth,
} from '../../../../shared/retention-rules.ts';
import { fieldState, toggleInOrder as toggle } from './use-wizard.tsx';

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function Group({
  label,
  error,
  id,
  children,
}: {
  label: string;
  error?: string | undefined;
  id: string;
  children: ReactNode;
}) {
  return (
    <Field label={label} {...fieldState(error, id)}>
      <div role="group" aria-label={label} style={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
        {children}
      </div>
    </Field>
  );
}

export function WeekdayChoice(p: {
  id: string;
  label: string;
  value: Weekday[];
  allowed: readonly Weekday[];
  error?: string | undefined;
  onChange: (v: Weekday[]) => void;
}) {
  return (
    <Group label={p.label} error={p.error} id={p.id}>
      {WEEKDAYS.map((d) => (
        <Checkbox
          key={d}
          data-testid={`${p.id}-${d}`}
          label={cap(d).slice(0, 3)}
          aria-label={cap(d)}
          disabled={!p.allowed.includes(d) && !p.value.includes(d)}
          checked={p.value.includes(d)}
          onChange={(_, v) => p.onChange(toggle(WEEKDAYS, p.value, d, !!v.checked))}
        />
      ))}
    </Group>
  );
}

export function TimeChoice(p: {
  id: string;
  value: string[];
  times: readonly string[];
  error?: string | undefined;
  onChange: (v: string[]) => void;
}) {
  const all = [...new Set([...p.times, ...p.value])].sort();
  return (
    <Group label="At these backup times" error={p.error} id={`${p.id}-times`}>
      {all.map((t) => (
        <Checkbox
          key={t}
          data-testid={`${p.id}-time-${t}`}
          label={t}
          checked={p.value.includes(t)}
          onChange={(_, v) => p.onChange(toggle(all, p.value, t, !!v.checked))}
        />
      ))}
    </Group>
  );
}

export function MonthChoice(p: {
  id: string;
  value: Month[];
  error?: string | undefined;
  onChange: (v: Month[]) => void;
}) {
  return (
    <Group label="In these months" error={p.error} id={`${p.id}-months`}>
      {MONTHS.map((m) => (
        <Checkbox
          key={m}
          data-testid={`${p.id}-month-${m}`}
          label={cap(m).slice(0, 3)}
          aria-label={cap(m)}
          checked={p.value.includes(m)}
          onChange={(_, v) => p.onChange(toggle(MONTHS, p.value, m, !!v.checked))}
        />
      ))}
    </Group>
  );
}

const DAYS: DayOfMonth[] = [...Array.from({ length: MAX_DAY_OF_MONTH }, (_, i) => i + 1), 'last'];

/** Day of the month (1–28, last) or week of the month + weekday; by day is not offered for a weekly schedule. */
export function MonthDayChoice(p: {
  id: string;
  value: MonthDayRule;
  weeklySchedule: boolean;
  allowedWeekdays: readonly Weekday[];
  errors: Partial<Record<'by' | 'daysOfMonth' | 'weeksOfMonth' | 'weekdays', string | undefined>>;
  onChange: (v: Partial<MonthDayRule>) => void;
}) {
  const v = p.value;
  return (
    <>
      <Field label="Keep the backup of" {...fieldState(p.errors.by, `${p.id}-by`)}>
        <RadioGroup layout="horizontal" value={v.by} onChange={(_, d) => p.onChange({ by: d.value as 'day' | 'week' })}>
          <Radio
            data-testid={`${p.id}-by-day`}
            value="day"
            label="a day of the month"
            disabled={p.weeklySchedule && v.by !== 'day'}
          />
          <Radio data-testid={`${p.id}-by-week`} value="week" label="a week of the month" />
        </RadioGroup>
      </Field>
      {v.by === 'day' ? (
        <Group label="Days of the month" error={p.errors.daysOfMonth} id={`${p.id}-daysOfMonth`}>
          {DAYS.map((d) => (
            <Checkbox
              key={d}
              data-testid={`${p.id}-dom-${d}`}
              label={d === 'last' ? 'Last' : String(d)}
              aria-label={d === 'last' ? 'Last day of the month' : `Day ${d}`}
              checked={v.daysOfMonth.includes(d)}
              onChange={(_, c) => p.onChange({ daysOfMonth: toggle(DAYS, v.daysOfMonth, d, !!c.checked) })}
            />
          ))}
        </Group>
      ) : (
        <>
          <Group label="Weeks of the month" error={p.errors.weeksOfMonth} id={`${p.id}-weeksOfMonth`}>
            {WEEKS_OF_MONTH.map((w) => (
              <Checkbox
                key={w}
                data-testid={`${p.id}-week-${w}`}
                label={cap(w)}
                checked={v.weeksOfMonth.includes(w)}
                onChange={(_, c) =>
                  p.onChange({ weeksOfMonth: toggle<WeekOfMonth>(WEEKS_OF_MONTH, v.weeksOfMonth, w, !!c.checked) })
                }
              />
            ))}
          </Group>
          <WeekdayChoice
            id={`${p.id}-weekday`}
            label="Day of the week"
            value={v.weekdays}
            allowed={p.allowedWeekdays}
            error={p.errors.weekdays}
            onChange={(weekdays) => p.onChange({ weekdays })}
          />
        </>
      )}
    </>
  );
}
