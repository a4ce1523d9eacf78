/**
 * One scheduled run (or Back Up Now after the seed, which runs the same way) from the policy's run history, as a Jobs row: status, time, MARS's message, and its details
 * (when it was due, who ran it, the import job and its state, warnings). Runs done by `obc agent` or another console
 * show here too; they cannot be cancelled from this console, only removed from the list.
 * data-testid: job-run-<id> (data-outcome), job-status, job-time, job-message, job-description, job-run-details,
 *   job-run-dismiss
 */
import { Button, TableCell, TableRow, Text, tokens } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import type { RunRecord } from '../../../../shared/policy-schema.ts';
import { ONLINE_FACTS, BYTE_FACTS } from '../../../../shared/online-facts.ts';
import { elapsedSeconds, formatBytes, formatDuration, formatDateTime } from '../../components/format.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { RUN_STATUS } from './scheduled-runs.ts';

const FACTS: Record<string, string> = {
  importJob: 'Import job',
  importJobState: 'Job state',
  checkedAt: 'Job state checked',
  backend: 'Service',
  ...ONLINE_FACTS,
};

function factValue(k: string, v: string | number | boolean): string {
  if (k === 'checkedAt' && typeof v === 'string') return formatDateTime(v);
  if (BYTE_FACTS.has(k) && typeof v === 'number')
    return k === 'bytesPerSecond' ? `${formatBytes(v)}/s` : formatBytes(v);
  return String(v);
}

export function ScheduledRunRow({
  run,
  busy,
  onDismiss,
}: {
  run: RunRecord;
  busy: boolean;
  onDismiss: (id: string) => void;
}) {
  const status = RUN_STATUS[run.outcome];
  const took = run.startedAt && run.endedAt ? formatDuration(elapsedSeconds(run.startedAt, run.endedAt)) : null;
  // Back Up Now after the seed runs as the scheduler's online run and is recorded the same way.
  const backUpNow = run.details?.startedFrom === 'Back Up Now';
  const facts: Array<[string, string]> = [
    [backUpNow ? 'Selected' : 'Due', formatDateTime(run.at)],
    ...(run.ranBy ? [['Run by', run.ranBy] as [string, string]] : []),
    ...(took ? [['Took', took] as [string, string]] : []),
    ...Object.entries(run.details ?? {}).map(([k, v]) => [FACTS[k] ?? k, factValue(k, v)] as [string, string]),
  ];
  return (
    <TableRow data-testid={`job-run-${run.id ?? run.at}`} data-outcome={run.outcome} data-status={status}>
      <TableCell>
        <StatusBadge status={status} />
      </TableCell>
      <TableCell data-testid="job-time">
        <Text size={200}>{formatDateTime(run.startedAt ?? run.at)}</Text>
      </TableCell>
      <TableCell data-testid="job-message">
        <Text
          size={200}
          style={{
            wordBreak: 'break-word',
            color: run.outcome === 'failed' ? tokens.colorPaletteRedForeground1 : undefined,
          }}
        >
          {run.message}
        </Text>
      </TableCell>
      <TableCell data-testid="job-description">
        <div style={{ padding: '6px 0', display: 'grid', gap: 4 }}>
          <Text weight="semibold">{backUpNow ? 'Back Up Now (online restore point)' : 'Scheduled backup'}</Text>
          <details data-testid="job-run-details">
            <summary>
              <Text size={200}>Details</Text>
            </summary>
            <dl
              style={{
                margin: '4px 0',
                display: 'grid',
                gridTemplateColumns: 'max-content minmax(0, 1fr)',
                columnGap: 8,
              }}
            >
              {facts.map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>
                    <Text size={200}>{k}</Text>
                  </dt>
                  <dd style={{ margin: 0, wordBreak: 'break-word' }}>
                    <Text size={200}>{v}</Text>
                  </dd>
                </div>
              ))}
            </dl>
            {run.warnings?.map((w, i) => (
              <Text key={i} size={200} block>
                {w}
              </Text>
            ))}
          </details>
        </div>
      </TableCell>
      <TableCell>
        {run.outcome !== 'running' && run.id && (
          <Button
            data-testid="job-run-dismiss"
            size="small"
            appearance="subtle"
            icon={<DeleteRegular />}
            aria-label="Remove this scheduled run from the list"
            disabled={busy}
            onClick={() => onDismiss(run.id!)}
          />
        )}
      </TableCell>
    </TableRow>
  );
}
