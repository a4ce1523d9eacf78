/**
 * The details of one job (task) of the Jobs view, as the MARS agent shows a job's details and its failed files:
 * status, times, what it did (counters), the error in words, and every file it skipped or could not read with the
 * reason (the backup's own list when it has one, else the task's warnings).
 * data-testid: job-details-dialog, job-details-status, job-details-error, job-details-counters, job-details-files,
 * job-details-file-<n>, job-details-leftovers (a restore to the original location: the temp files an interrupted
 * earlier restore had left, which it removed), job-details-close
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import type { TaskSnapshot } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { elapsedSeconds, formatBytes, formatCount, formatDateTime, formatDuration } from '../../components/format.ts';
import { taskResult } from '../../components/task-results.ts';
import { STATUS_LABELS } from './StatusBadge.tsx';

/** Files the task could not handle, with the reason: the backup's skipped list, else its warnings split at "path: reason". */
export function failedFiles(task: TaskSnapshot): Array<{ path: string; reason: string }> {
  const skipped = taskResult(task, 'backup')?.skipped ?? taskResult(task, 'restore')?.skipped;
  if (skipped?.length) return skipped.map((s) => ({ path: s.path, reason: s.reason }));
  const verify = taskResult(task, 'verify');
  if (verify) return [...verify.damagedPacks, ...verify.damagedFiles];
  return task.warnings.map((w) => {
    const m = /^(?:Skipped |Damaged: |Cannot be restored intact: )?(.+?): (.+)$/.exec(w);
    return m ? { path: m[1], reason: m[2] } : { path: '', reason: w };
  });
}

const COUNTER_WORDS: Record<string, string> = {
  filesScanned: 'Files scanned',
  bytesScanned: 'Bytes scanned',
  filesProcessed: 'Files processed',
  bytesProcessed: 'Bytes processed',
  bytesWritten: 'Written',
  dedupSavedBytes: 'Saved by deduplication',
  compressionSavedBytes: 'Saved by compression',
  warnings: 'Warnings',
  leftoversRemoved: 'Leftover temp files removed',
};

export function JobDetailsDialog({ task, onClose }: { task: TaskSnapshot | null; onClose: () => void }) {
  if (!task) return null;
  const files = failedFiles(task);
  const removed = taskResult(task, 'restore')?.leftoversRemoved ?? [];
  const counters = Object.entries(task.counters);
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface data-testid="job-details-dialog" style={{ maxWidth: 920 }}>
        <DialogBody>
          <DialogTitle>{task.title}</DialogTitle>
          <DialogContent style={{ display: 'grid', gap: 12, gridTemplateColumns: 'minmax(0, 1fr)' }}>
            <Text data-testid="job-details-status" data-status={task.status}>
              {STATUS_LABELS[task.status]} · started {formatDateTime(task.startedAt)}
              {task.endedAt
                ? ` · ended ${formatDateTime(task.endedAt)} (${formatDuration(elapsedSeconds(task.startedAt, task.endedAt))})`
                : ''}
            </Text>
            {task.message && task.status !== 'failed' && (
              <Text style={{ overflowWrap: 'anywhere' }}>{task.message}</Text>
            )}
            {task.error && <ErrorBar error={task.error.message} title="Why it failed" testId="job-details-error" />}
            {counters.length > 0 && (
              <dl
                data-testid="job-details-counters"
                style={{
                  display: 'grid',
                  gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
                  gap: 8,
                  margin: 0,
                }}
              >
                {counters.map(([name, c]) => (
                  <div key={name}>
                    <dt style={{ fontSize: 12, opacity: 0.8 }}>{COUNTER_WORDS[name] ?? name}</dt>
                    <dd style={{ margin: 0, fontWeight: 600 }}>
                      {c.unit === 'bytes' ? formatBytes(c.value) : formatCount(c.value)}
                    </dd>
                  </div>
                ))}
              </dl>
            )}
            {files.length > 0 ? (
              <section aria-label="Files not backed up or not restored">
                <Text weight="semibold">
                  {task.kind === 'verify' ? 'Damaged' : task.kind === 'restore' ? 'Not restored' : 'Not backed up'} (
                  {formatCount(files.length)}
                  {task.warnings.length >= 200 && files.length === task.warnings.length ? ', the first 200' : ''})
                </Text>
                <div style={{ maxHeight: 320, overflowY: 'auto' }}>
                  <Table size="small" data-testid="job-details-files" aria-label="Files and reasons">
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell>File</TableHeaderCell>
                        <TableHeaderCell>Reason</TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {files.map((f, i) => (
                        <TableRow key={`${f.path}-${i}`} data-testid={`job-details-file-${i}`}>
                          <TableCell style={{ overflowWrap: 'anywhere' }}>{f.path || '—'}</TableCell>
                          <TableCell style={{ overflowWrap: 'anywhere' }}>{f.reason}</TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              </section>
            ) : (
              task.status !== 'running' && <Text>No file was skipped.</Text>
            )}
            {removed.length > 0 && (
              <section aria-label="Temp files removed">
                <Text weight="semibold">
                  Removed: temp files an interrupted earlier restore had left beside these files (
                  {formatCount(task.counters.leftoversRemoved?.value ?? removed.length)})
                </Text>
                <ul data-testid="job-details-leftovers" style={{ margin: 0, maxHeight: 160, overflowY: 'auto' }}>
                  {removed.map((p) => (
                    <li key={p} style={{ overflowWrap: 'anywhere', fontFamily: 'monospace' }}>
                      {p}
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </DialogContent>
          <DialogActions>
            <Button data-testid="job-details-close" appearance="primary" onClick={onClose}>
              Close
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
