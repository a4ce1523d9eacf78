/**
 * Page 4: Select Retention Policy, as MARS has it: daily (every backup, N days); weekly on chosen days at chosen
 * backup times (N weeks); monthly by day of the month (1–28, last) or by week of the month + weekday (N months);
 * yearly the same in chosen months (N years). Limits of decision 12; the recovery points they imply (cap 9,999).
 * Rules and messages: shared/retention-rules.ts.
 * data-testid: sb-ret-<tier>-enabled, sb-ret-<tier>, sb-ret-<tier>-error, sb-ret-total, sb-ret-total-error, and per row
 *   (prefix sb-ret-<tier>) the choices of RetentionChoices.tsx: sb-ret-weekly-days-<weekday>, sb-ret-<tier>-time-<HH:MM>,
 *   sb-ret-<tier>-by-day|week, sb-ret-<tier>-dom-<n|last>, sb-ret-<tier>-week-<nth>, sb-ret-<tier>-weekday-<weekday>,
 *   sb-ret-yearly-month-<month>; errors sb-ret-<tier>-<field>-error
 */
import { Checkbox, Field, Input, Text } from '@fluentui/react-components';
import { useShallow } from 'zustand/react/shallow';
import { WEEKDAYS } from '../../../../shared/policy.ts';
import {
  MAX_RECOVERY_POINTS,
  RETENTION_LIMITS,
  RETENTION_TIERS,
  recoveryPoints,
  type Retention,
  type RetentionTier,
} from '../../../../shared/retention-rules.ts';
import { useAppStore } from '../../store/index.ts';
import { MonthChoice, MonthDayChoice, TimeChoice, WeekdayChoice } from './RetentionChoices.tsx';
import { fieldState, usePageErrors } from './use-wizard.tsx';

const LABEL = {
  daily: 'Retain daily backups for',
  weekly: 'Retain weekly backups for',
  monthly: 'Retain monthly backups for',
  yearly: 'Retain yearly backups for',
};
const HINT = { daily: 'Every backup of the schedule.', weekly: '', monthly: '', yearly: '' };

export function RetentionPage() {
  const { retention, schedule } = useAppStore(
    useShallow((s) => ({ retention: s.scheduleBackup.data.retention, schedule: s.scheduleBackup.data.schedule })),
  );
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const { errors, show } = usePageErrors('retention');
  const points = recoveryPoints(retention, schedule);
  const weekly = schedule.frequency === 'weekly';
  const allowedDays = weekly ? schedule.days : WEEKDAYS;
  const set = <T extends RetentionTier>(t: T, p: Partial<Retention[T]>) =>
    update({ retention: { ...retention, [t]: { ...retention[t], ...p } } });
  const sub = (t: RetentionTier, f: string) => errors[`${t}.${f}`];
  return (
    <div
      style={{ display: 'grid', gap: 12, maxWidth: 760, gridTemplateColumns: 'minmax(0, 1fr)' }}
      data-testid="sb-retention-page"
    >
      <Text as="h3" size={500} weight="semibold">
        Select Retention Policy
      </Text>
      {RETENTION_TIERS.map((t) => {
        const row = retention[t];
        const lim = RETENTION_LIMITS[t];
        return (
          <section key={t} aria-label={LABEL[t]} style={{ display: 'grid', gap: 6 }}>
            <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start', flexWrap: 'wrap' }}>
              <Checkbox
                data-testid={`sb-ret-${t}-enabled`}
                label={LABEL[t]}
                checked={row.enabled}
                style={{ minWidth: 230 }}
                onChange={(_, d) => {
                  set(t, { enabled: !!d.checked });
                  touch(t, 'total');
                }}
              />
              <Field label={`${lim.unit} (${lim.min}–${lim.max})`} {...fieldState(show(t), `sb-ret-${t}`)}>
                <Input
                  data-testid={`sb-ret-${t}`}
                  type="number"
                  min={lim.min}
                  max={lim.max}
                  disabled={!row.enabled}
                  style={{ width: 130 }}
                  value={Number.isFinite(row.count) ? String(row.count) : ''}
                  onChange={(_, d) => set(t, { count: d.value === '' ? NaN : Number(d.value) })}
                  onBlur={() => touch(t, 'total')}
                />
              </Field>
              {HINT[t] && <Text size={200}>{HINT[t]}</Text>}
            </div>
            {row.enabled && t !== 'daily' && (
              <div style={{ display: 'grid', gap: 6, paddingInlineStart: 28 }} data-testid={`sb-ret-${t}-choices`}>
                {t === 'weekly' && (
                  <WeekdayChoice
                    id="sb-ret-weekly-days"
                    label="On these days"
                    value={retention.weekly.days}
                    allowed={allowedDays}
                    error={sub('weekly', 'days')}
                    onChange={(days) => set('weekly', { days })}
                  />
                )}
                {t === 'yearly' && (
                  <MonthChoice
                    id="sb-ret-yearly"
                    value={retention.yearly.months}
                    error={sub('yearly', 'months')}
                    onChange={(months) => set('yearly', { months })}
                  />
                )}
                {(t === 'monthly' || t === 'yearly') && (
                  <MonthDayChoice
                    id={`sb-ret-${t}`}
                    value={retention[t]}
                    weeklySchedule={weekly}
                    allowedWeekdays={allowedDays}
                    errors={{
                      by: sub(t, 'by'),
                      daysOfMonth: sub(t, 'daysOfMonth'),
                      weeksOfMonth: sub(t, 'weeksOfMonth'),
                      weekdays: sub(t, 'weekdays'),
                    }}
                    onChange={(p) => set(t, p)}
                  />
                )}
                <TimeChoice
                  id={`sb-ret-${t}`}
                  value={retention[t].times}
                  times={schedule.times}
                  error={sub(t, 'times')}
                  onChange={(times) => set(t, { times })}
                />
              </div>
            )}
          </section>
        );
      })}
      <Field {...fieldState(show('total'), 'sb-ret-total')}>
        <Text data-testid="sb-ret-total" data-points={points}>
          This keeps up to {points.toLocaleString('en-US')} recovery points (Azure Backup keeps at most{' '}
          {MAX_RECOVERY_POINTS.toLocaleString('en-US')}).
        </Text>
      </Field>
      {errors.total && !show('total') && <Text size={200}>{errors.total}</Text>}
    </div>
  );
}
