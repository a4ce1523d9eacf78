/**
 * Page 4: Select Retention Policy — daily/weekly/monthly/yearly rows with the limits of decision 12 and the number of
 * recovery points they imply (cap 9,999).
 * data-testid: sb-ret-<tier>-enabled, sb-ret-<tier>, sb-ret-<tier>-error, sb-ret-total, sb-ret-total-error
 */
import { Checkbox, Field, Input, Text } from '@fluentui/react-components';
import { useShallow } from 'zustand/react/shallow';
import { MAX_RECOVERY_POINTS, RETENTION_LIMITS, RETENTION_TIERS, recoveryPoints } from '../../../../shared/policy.ts';
import { useAppStore } from '../../store/index.ts';
import { fieldState, usePageErrors } from './use-wizard.tsx';

const LABEL = { daily: 'Retain daily backups for', weekly: 'Retain weekly backups for', monthly: 'Retain monthly backups for', yearly: 'Retain yearly backups for' };

export function RetentionPage() {
  const { retention, schedule } = useAppStore(useShallow((s) => ({ retention: s.sb.data.retention, schedule: s.sb.data.schedule })));
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const { errors, show } = usePageErrors('retention');
  const points = recoveryPoints(retention, schedule);
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 720, gridTemplateColumns: 'minmax(0, 1fr)' }} data-testid="sb-retention-page">
      <Text as="h3" size={500} weight="semibold">
        Select Retention Policy
      </Text>
      {RETENTION_TIERS.map((t) => {
        const row = retention[t];
        const lim = RETENTION_LIMITS[t];
        return (
          <div key={t} style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
            <Checkbox
              data-testid={`sb-ret-${t}-enabled`}
              label={LABEL[t]}
              checked={row.enabled}
              style={{ minWidth: 230 }}
              onChange={(_, d) => {
                update({ retention: { ...retention, [t]: { ...row, enabled: !!d.checked } } });
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
                onChange={(_, d) => update({ retention: { ...retention, [t]: { ...row, count: d.value === '' ? NaN : Number(d.value) } } })}
                onBlur={() => touch(t, 'total')}
              />
            </Field>
          </div>
        );
      })}
      <Field {...fieldState(show('total'), 'sb-ret-total')}>
        <Text data-testid="sb-ret-total" data-points={points}>
          This keeps up to {points.toLocaleString('en-US')} recovery points (Azure Backup keeps at most {MAX_RECOVERY_POINTS.toLocaleString('en-US')}).
        </Text>
      </Field>
      {errors.total && !show('total') && <Text size={200}>{errors.total}</Text>}
    </div>
  );
}
