/**
 * Import Jobs: the user's import jobs across subscriptions, refreshed every minute (with backoff after failures),
 * notifications when a job changes state or its tracking deadline nears, and the details of the selected job.
 * data-testid: import-jobs-screen, ij-refresh, ij-last-refresh, ij-notice-* (ImportJobsNotices), ij-table,
 * ij-row-<name> (data-state, data-deadline), ij-type-<name>, ij-deadline-<name>, ij-empty, ij-error
 */
import {
  Badge,
  Button,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { jobPercent, jobTypeLabel, trackingDeadline } from '../../../../shared/import-jobs.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { jobKey, jobRefOf, refreshDelayMs } from '../../store/slices/import-jobs.ts';
import { ImportJobsNotices } from './ImportJobsNotices.tsx';
import { JobDetails } from './JobDetails.tsx';

export function ImportJobsScreen() {
  const ij = useAppStore(
    useShallow((s) => ({
      jobs: s.importJobs.jobs,
      loaded: s.importJobs.loaded,
      loading: s.importJobs.loading,
      error: s.importJobs.error,
      failures: s.importJobs.failures,
      lastRefreshed: s.importJobs.lastRefreshed,
      selected: s.importJobs.selected,
      subscriptions: s.importJobs.subscriptions,
    })),
  );
  const refresh = useAppStore((s) => s.refreshImportJobs);
  const select = useAppStore((s) => s.selectImportJob);
  // Opening the screen lists the jobs at once: the app-wide watcher's last answer may be old, or a failure (such as
  // a provider registered since) still waiting out its backoff.
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // First load, then the next refresh after each one: 1 min when healthy, backing off after failures.
  useEffect(() => {
    if (!ij.lastRefreshed && !ij.loading) {
      void refresh();
      return;
    }
    const t = setTimeout(() => void refresh(), refreshDelayMs(ij.failures));
    return () => clearTimeout(t);
  }, [ij.lastRefreshed, ij.failures, ij.loading, refresh]);
  const multiSub = ij.subscriptions.length > 1;
  const subName = (id: string) => ij.subscriptions.find((s) => s.subscriptionId === id)?.displayName ?? id;
  return (
    <section
      data-testid="import-jobs-screen"
      style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16 }}
    >
      <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <Text as="h2" size={600} weight="semibold">
          Import Jobs
        </Text>
        <Button
          data-testid="ij-refresh"
          icon={<ArrowClockwiseRegular />}
          disabled={ij.loading}
          onClick={() => void refresh()}
        >
          Refresh
        </Button>
        {ij.loading && <Spinner size="tiny" label="Refreshing…" />}
        {ij.lastRefreshed && (
          <Text data-testid="ij-last-refresh" data-at={ij.lastRefreshed} size={200}>
            Updated {formatDateTime(ij.lastRefreshed)}
            {ij.failures > 0 ? ` · next try in ${Math.round(refreshDelayMs(ij.failures) / 1000)} s` : ''}
          </Text>
        )}
      </div>
      <ImportJobsNotices />
      <ErrorBar
        error={ij.error}
        title="Import jobs could not be listed"
        onRetry={() => void refresh()}
        testId="ij-error"
      />
      {ij.loaded && ij.jobs.length === 0 && (
        <Text data-testid="ij-empty" italic>
          No import jobs in your subscriptions. Prepare disks to create one.
        </Text>
      )}
      {ij.jobs.length > 0 && (
        <Table data-testid="ij-table" aria-label="Import jobs" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Job</TableHeaderCell>
              <TableHeaderCell>Type</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell>Created</TableHeaderCell>
              <TableHeaderCell>Tracking deadline</TableHeaderCell>
              <TableHeaderCell>Drives</TableHeaderCell>
              <TableHeaderCell>Complete</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {ij.jobs.map((j) => {
              const d = trackingDeadline(j);
              const pct = jobPercent(j);
              const isSel = !!ij.selected && jobKey(ij.selected) === jobKey(j);
              return (
                <TableRow
                  key={jobKey(j)}
                  data-testid={`ij-row-${j.name}`}
                  data-state={j.state}
                  data-deadline={d.level}
                  aria-selected={isSel}
                  onClick={() => select(jobRefOf(j))}
                  style={{ cursor: 'pointer', fontWeight: isSel ? 600 : undefined }}
                >
                  <TableCell>
                    <Button
                      appearance="transparent"
                      data-testid={`ij-open-${j.name}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        select(jobRefOf(j));
                      }}
                    >
                      {j.name}
                    </Button>
                    {multiSub && <Text size={200}> {subName(j.subscriptionId)}</Text>}
                  </TableCell>
                  <TableCell data-testid={`ij-type-${j.name}`}>{jobTypeLabel(j.backend)}</TableCell>
                  <TableCell>
                    {j.state}
                    {!j.cancelRequested || j.state === 'Canceled'
                      ? ''
                      : j.state === 'Completed'
                        ? ' (canceled)'
                        : ' (cancel requested)'}
                  </TableCell>
                  <TableCell>{formatDateTime(j.createdAt)}</TableCell>
                  <TableCell data-testid={`ij-deadline-${j.name}`}>
                    {d.level === 'warning' || d.level === 'overdue' ? (
                      <Badge appearance="tint" color={d.level === 'overdue' ? 'danger' : 'warning'}>
                        {d.text}
                      </Badge>
                    ) : (
                      d.text
                    )}
                  </TableCell>
                  <TableCell>{j.drives.length}</TableCell>
                  <TableCell>{pct === undefined ? '—' : `${pct}%`}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      {ij.selected && <JobDetails />}
    </section>
  );
}
