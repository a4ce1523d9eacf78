/**
 * A drive's copy log (DriveLog XML: the error log, or the verbose log that lists every file) read out as a table:
 * the log's status in words, how many files it lists and how many had problems, then each file (blob) with its
 * status, what that status means, and the byte ranges that did not complete.
 * data-testid: ij-log-summary (data-kind), ij-log-counts, ij-log-table, ij-log-row-<n> (data-status), ij-log-error
 */
import {
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatCount } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';

export function DriveLogView({ uri, kind }: { uri: string; kind: 'error' | 'verbose' }) {
  const log = useAppStore((s) => s.importJobs.driveLogs[uri]);
  if (!log) return null;
  if ('error' in log)
    return <ErrorBar error={log.error} title="The copy log could not be read" testId="ij-log-error" />;
  const total = log.blobCount ?? log.blobs.length;
  const ok = log.blobs.filter((b) => b.status === 'Completed' && !b.problems.length).length;
  return (
    <section
      data-testid="ij-log-summary"
      data-kind={kind}
      aria-label={`${kind === 'error' ? 'Error' : 'Verbose'} log of drive ${log.driveId ?? ''}`}
      style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 6 }}
    >
      <Text weight="semibold">
        {kind === 'error' ? 'Error log' : 'Verbose log'}
        {log.driveId ? ` of drive ${log.driveId}` : ''}
      </Text>
      <Text>
        <strong>{log.status ?? 'No status'}</strong> — {log.explanation}
      </Text>
      <Text data-testid="ij-log-counts" size={200}>
        The log lists {formatCount(total)} file{total === 1 ? '' : 's'}: {formatCount(log.problemCount)} with problems
        {log.problemCount ? ' (listed first)' : ''}, {formatCount(total - log.problemCount)} copied completely
        {log.blobs.length < total
          ? `; shown here: every file with a problem and the first ${formatCount(ok)} completed ones`
          : ''}
        .
      </Text>
      {log.blobs.length > 0 && (
        <div style={{ maxHeight: 360, overflowY: 'auto' }}>
          <Table size="small" data-testid="ij-log-table" aria-label="Files in the copy log">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>File (blob)</TableHeaderCell>
                <TableHeaderCell style={{ width: 130 }}>Status</TableHeaderCell>
                <TableHeaderCell>What it means</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {log.blobs.map((b, i) => (
                <TableRow key={`${b.blobPath}-${i}`} data-testid={`ij-log-row-${i}`} data-status={b.status}>
                  <TableCell style={{ overflowWrap: 'anywhere' }}>{b.blobPath || '—'}</TableCell>
                  <TableCell
                    style={{
                      color: b.status === 'Completed' ? undefined : tokens.colorPaletteRedForeground1,
                      fontWeight: 600,
                    }}
                  >
                    {b.status}
                  </TableCell>
                  <TableCell>
                    {b.explanation}
                    {b.problems.length > 0 && (
                      <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                        {b.problems.map((p) => (
                          <li key={p}>{p}</li>
                        ))}
                      </ul>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
