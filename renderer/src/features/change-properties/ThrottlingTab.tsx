/**
 * Throttling: work hours / non-work hours bandwidth, 512 Kbps to 1,023 Mbps (stored in Kbps).
 * data-testid: cp-throttle-enabled, cp-work-<day>, cp-work-start, cp-work-end, cp-work-kbps, cp-nonwork-kbps, cp-*-error, cp-throttle-save
 */
import { Button, Checkbox, Field, Input, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { throttlingSchema, type Throttling } from '../../../../shared/policy-schema.ts';
import { WEEKDAYS } from '../../../../shared/policy.ts';
import { useAppStore } from '../../store/index.ts';
import { fieldState, toggleInOrder } from '../schedule-backup/use-wizard.tsx';

export function throttlingErrors(t: Throttling): Record<string, string> {
  const r = throttlingSchema.safeParse({
    ...t,
    workKbps: Number.isFinite(t.workKbps) ? t.workKbps : 0,
    nonWorkKbps: Number.isFinite(t.nonWorkKbps) ? t.nonWorkKbps : 0,
  });
  const out: Record<string, string> = {};
  if (!r.success) for (const i of r.error.issues) out[String(i.path[0] ?? 'form')] ??= i.message;
  return out;
}

export function ThrottlingTab({ initial }: { initial: Throttling }) {
  const [t, setT] = useState<Throttling>(initial);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const save = useAppStore((s) => s.saveThrottling);
  const saving = useAppStore((s) => s.changeProperties.saving === 'throttling');
  const errors = throttlingErrors(t);
  const show = (f: string) => (touched[f] ? errors[f] : undefined);
  const touch = (f: string) => setTouched((x) => ({ ...x, [f]: true }));
  const num = (f: 'workKbps' | 'nonWorkKbps', label: string, id: string) => (
    <Field label={label} {...fieldState(show(f), id)}>
      <Input
        data-testid={id}
        type="number"
        disabled={!t.enabled}
        value={Number.isFinite(t[f]) ? String(t[f]) : ''}
        contentAfter="Kbps"
        onChange={(_, d) => setT({ ...t, [f]: d.value === '' ? NaN : Number(d.value) })}
        onBlur={() => touch(f)}
      />
    </Field>
  );
  return (
    <div style={{ display: 'grid', gap: 10 }}>
      <Checkbox
        data-testid="cp-throttle-enabled"
        label="Enable internet bandwidth usage throttling for backup operations"
        checked={t.enabled}
        onChange={(_, d) => setT({ ...t, enabled: !!d.checked })}
      />
      <Text size={200}>Applies to online transfers. 512 Kbps to 1,023 Mbps (1,047,552 Kbps).</Text>
      <Field label="Work days" {...fieldState(show('workDays'), 'cp-work-days')}>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }} role="group" aria-label="Work days">
          {WEEKDAYS.map((d) => (
            <Checkbox
              key={d}
              data-testid={`cp-work-${d}`}
              disabled={!t.enabled}
              label={d.slice(0, 3)}
              checked={t.workDays.includes(d)}
              onChange={(_, v) => {
                setT({ ...t, workDays: toggleInOrder(WEEKDAYS, t.workDays, d, !!v.checked) });
                touch('workDays');
              }}
            />
          ))}
        </div>
      </Field>
      <div style={{ display: 'flex', gap: 12 }}>
        <Field label="Work hours start (HH:MM)" {...fieldState(show('workStart'), 'cp-work-start')}>
          <Input
            data-testid="cp-work-start"
            disabled={!t.enabled}
            value={t.workStart}
            onChange={(_, d) => setT({ ...t, workStart: d.value })}
            onBlur={() => touch('workStart')}
          />
        </Field>
        <Field label="Work hours end (HH:MM)" {...fieldState(show('workEnd'), 'cp-work-end')}>
          <Input
            data-testid="cp-work-end"
            disabled={!t.enabled}
            value={t.workEnd}
            onChange={(_, d) => setT({ ...t, workEnd: d.value })}
            onBlur={() => touch('workEnd')}
          />
        </Field>
      </div>
      {num('workKbps', 'Work hours bandwidth', 'cp-work-kbps')}
      {num('nonWorkKbps', 'Non-work hours bandwidth', 'cp-nonwork-kbps')}
      <div>
        <Button
          data-testid="cp-throttle-save"
          appearance="primary"
          disabled={saving || Object.keys(errors).length > 0}
          onClick={() => void save(t)}
        >
          Save throttling
        </Button>
      </div>
    </div>
  );
}
