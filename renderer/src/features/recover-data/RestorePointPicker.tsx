/**
 * Recover Data, source "blob": which restore point of the container to browse and recover (recover:points) — the
 * seed as imported and every online backup, newest first with date, files and size. Choosing one opens its catalog.
 * data-testid: rec-points, rec-point-<id>, rec-points-error, rec-points-damaged
 */
import { Field, Radio, RadioGroup, Text } from '@fluentui/react-components';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes, formatCount, formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';

export function RestorePointPicker() {
  const rec = useAppStore((s) => s.recoverData);
  const choose = useAppStore((s) => s.chooseRecoverPoint);
  if (rec.draft.source !== 'blob') return null;
  const list = rec.points;
  const newestFirst = list ? [...list.points].reverse() : [];
  const current = rec.draft.restorePoint ?? newestFirst[0]?.id ?? '';
  return (
    <>
      <ErrorBar
        error={rec.pointsError}
        testId="rec-points-error"
        title="The restore points could not be listed (the newest is open)"
      />
      {newestFirst.length > 0 && (
        <Field label="Restore point">
          <RadioGroup
            data-testid="rec-points"
            value={current}
            disabled={rec.unlocking}
            onChange={(_, d) => void choose(d.value)}
          >
            {newestFirst.map((p, i) => (
              <Radio
                key={p.id}
                value={p.id}
                data-testid={`rec-point-${p.id}`}
                label={`${formatDateTime(p.time)}${p.kind === 'seed' ? ' (the imported seed)' : ''}${i === 0 ? ' — newest' : ''} · ${formatCount(p.files)} files, ${formatBytes(p.bytes)}${p.retainUntil ? ` · kept until ${p.retainUntil}` : ''}`}
              />
            ))}
          </RadioGroup>
        </Field>
      )}
      {list && list.damaged.length > 0 && (
        <Text data-testid="rec-points-damaged">
          Damaged restore points, not shown: {list.damaged.map((d) => `${d.id} (${d.reason})`).join('; ')}
        </Text>
      )}
    </>
  );
}
