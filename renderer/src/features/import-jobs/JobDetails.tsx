/**
 * One import job: state timeline, drives (state, percent, bytes, copy status, copy logs explained), packages,
 * and the actions the state allows — each disabled with the reason otherwise.
 * data-testid: ij-details (data-state), ij-timeline, ij-step-<state> (data-status), ij-drive-<id>, ij-drive-state-<id>,
 * ij-drive-copy-<id>, ij-log-<id>-<kind>, ij-log-summary, ij-delivery, ij-return-package, ij-action-<name>,
 * ij-action-<name>-reason, ij-action-error; in the Local sandbox cloud only, RehearsalPanel (ij-rehearsal)
 */
import {
  Button,
  Field,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ImportJobDrive, ImportJobInfo } from '../../../../shared/contract/azure.ts';
import { explainDriveState, explainLogStatus } from '../../../../shared/drive-log.ts';
import { JOB_TYPE_CHOICES, jobActions, jobTimeline, trackingDeadline } from '../../../../shared/import-jobs.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes, formatDate, formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { jobKey } from '../../store/slices/import-jobs.ts';
import { ConfirmDialog, ReturnDialog, TrackingDialog } from './JobDialogs.tsx';
import { VerifyPanel } from './VerifyPanel.tsx';
import { RehearsalPanel } from './RehearsalPanel.tsx';
import { DriveLogView } from './DriveLogView.tsx';

const STEP_COLOR = {
  done: tokens.colorPaletteGreenForeground1,
  current: tokens.colorBrandForeground1,
  future: tokens.colorNeutralForeground3,
  failed: tokens.colorPaletteRedForeground1,
  skipped: tokens.colorNeutralForeground3,
};
const MARK = { done: '✓', current: '●', future: '○', failed: '✕', skipped: '–' };

function Timeline({ job }: { job: ImportJobInfo }) {
  return (
    <ol
      data-testid="ij-timeline"
      aria-label="Job state timeline"
      style={{ display: 'flex', gap: 4, listStyle: 'none', padding: 0, flexWrap: 'wrap' }}
    >
      {jobTimeline(job.state, job.cancelRequested).map((s, i) => (
        <li
          key={s.state}
          data-testid={`ij-step-${s.state}`}
          data-status={s.status}
          aria-current={s.status === 'current' ? 'step' : undefined}
          style={{ color: STEP_COLOR[s.status] }}
        >
          {i > 0 && <span aria-hidden> → </span>}
          <span aria-hidden>{MARK[s.status]} </span>
          <span style={{ fontWeight: s.status === 'current' ? 700 : 400 }}>{s.state}</span>
          <span className="visually-hidden" style={{ position: 'absolute', left: -9999 }}>
            {' '}
            ({s.label}, {s.status})
          </span>
        </li>
      ))}
    </ol>
  );
}

function LogLink({ drive, kind, uri }: { drive: ImportJobDrive; kind: 'error' | 'verbose'; uri: string }) {
  const load = useAppStore((s) => s.loadDriveLog);
  return (
    <Link data-testid={`ij-log-${drive.driveId}-${kind}`} as="button" onClick={() => void load(uri)}>
      {kind === 'error' ? 'Error log' : 'Verbose log'}
    </Link>
  );
}

function ActionButton({
  name,
  rule,
  onClick,
  children,
}: {
  name: string;
  rule: { allowed: boolean; reason?: string };
  onClick: () => void;
  children: string;
}) {
  const btn = (
    <Button data-testid={`ij-action-${name}`} disabled={!rule.allowed} onClick={onClick}>
      {children}
    </Button>
  );
  return (
    <span style={{ display: 'inline-grid', gap: 2 }}>
      {rule.allowed ? (
        btn
      ) : (
        <Tooltip content={rule.reason ?? ''} relationship="description">
          {btn}
        </Tooltip>
      )}
      {!rule.allowed && (
        <Text data-testid={`ij-action-${name}-reason`} size={100} style={{ maxWidth: 220 }}>
          {rule.reason}
        </Text>
      )}
    </span>
  );
}

export function JobDetails() {
  const { selected, jobs, actionError, driveLogs } = useAppStore(
    useShallow((s) => ({
      selected: s.importJobs.selected,
      jobs: s.importJobs.jobs,
      actionError: s.importJobs.actionError,
      driveLogs: s.importJobs.driveLogs,
    })),
  );
  const cancelJob = useAppStore((s) => s.cancelImportJob);
  const deleteJob = useAppStore((s) => s.deleteImportJob);
  const [dialog, setDialog] = useState<null | 'tracking' | 'return' | 'cancel' | 'delete'>(null);
  const job = selected ? jobs.find((j) => jobKey(j) === jobKey(selected)) : undefined;
  if (!job) return null;
  const rules = jobActions(job);
  const d = trackingDeadline(job);
  const logUris = Object.keys(driveLogs).filter((u) =>
    job.drives.some((dr) => dr.errorLogUri === u || dr.verboseLogUri === u),
  );
  return (
    <section
      data-testid="ij-details"
      data-state={job.state}
      aria-label={`Import job ${job.name}`}
      style={{
        display: 'grid',
        gridTemplateColumns: 'minmax(0, 1fr)',
        gap: 12,
        borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
        paddingTop: 12,
      }}
    >
      <Text as="h3" size={500} weight="semibold">
        {job.name}
      </Text>
      <Text size={200}>
        <span data-testid="ij-job-type">
          {JOB_TYPE_CHOICES.find((c) => c.backend === job.backend)?.label ?? 'Azure Import/Export job'}
          {job.stage ? ` (stage ${job.stage})` : ''}
        </span>{' '}
        · resource group {job.resourceGroup} · region {job.location} · storage account{' '}
        {job.storageAccountId?.split('/').pop() ?? '—'} · created {formatDateTime(job.createdAt)}
      </Text>
      <Timeline job={job} />
      {(d.level === 'warning' || d.level === 'overdue' || d.level === 'ok') && (
        <MessageBarGroup>
          <MessageBar
            intent={d.level === 'ok' ? 'info' : d.level === 'warning' ? 'warning' : 'error'}
            data-testid="ij-deadline-note"
          >
            <MessageBarBody>
              Enter the carrier and tracking number by {formatDateTime(d.deadline)} ({d.text}).
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <ActionButton name="tracking" rule={rules.tracking} onClick={() => setDialog('tracking')}>
          {job.deliveryPackage?.trackingNumber ? 'Edit tracking' : 'Enter tracking'}
        </ActionButton>
        <ActionButton name="return" rule={rules.editReturn} onClick={() => setDialog('return')}>
          Edit return address
        </ActionButton>
        <ActionButton name="cancel" rule={rules.cancel} onClick={() => setDialog('cancel')}>
          Cancel job
        </ActionButton>
        <ActionButton name="delete" rule={rules.delete} onClick={() => setDialog('delete')}>
          Delete job
        </ActionButton>
      </div>
      <ErrorBar error={actionError} title="The change was not saved" testId="ij-action-error" />
      <Field label="Package to the datacenter">
        <Text data-testid="ij-delivery">
          {job.deliveryPackage?.trackingNumber
            ? job.backend === 'DataBox'
              ? `${job.deliveryPackage.carrierName} ${job.deliveryPackage.trackingNumber}`
              : `${job.deliveryPackage.carrierName} ${job.deliveryPackage.trackingNumber} · ${job.deliveryPackage.driveCount ?? '?'} drive(s) · shipped ${formatDate(job.deliveryPackage.shipDate)}`
            : 'No tracking number yet.'}
        </Text>
      </Field>
      <Field label="Drives">
        <Table size="small" aria-label="Drives">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Drive</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell>Progress</TableHeaderCell>
              <TableHeaderCell>Copy status</TableHeaderCell>
              <TableHeaderCell>Logs</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {job.drives.map((dr) => {
              const st = explainDriveState(dr.state);
              const cs = explainLogStatus(dr.copyStatus);
              return (
                <TableRow
                  key={dr.driveId}
                  data-testid={`ij-drive-${dr.driveId}`}
                  data-state={dr.state ?? ''}
                  data-percent={dr.percentComplete ?? ''}
                >
                  <TableCell>{dr.driveId}</TableCell>
                  <TableCell data-testid={`ij-drive-state-${dr.driveId}`}>
                    <strong>{dr.state ?? '—'}</strong>
                    <br />
                    <Text size={200}>{st.text}</Text>
                  </TableCell>
                  <TableCell style={{ minWidth: 160 }}>
                    <ProgressBar
                      value={dr.percentComplete ?? 0}
                      max={100}
                      aria-label={`Drive ${dr.driveId} percent complete`}
                    />
                    <Text size={200}>
                      {dr.percentComplete ?? 0}% · {formatBytes(dr.bytesSucceeded ?? 0)}
                    </Text>
                  </TableCell>
                  <TableCell data-testid={`ij-drive-copy-${dr.driveId}`} data-severity={cs.severity}>
                    <strong>{dr.copyStatus ?? '—'}</strong>
                    <br />
                    <Text
                      size={200}
                      style={{ color: cs.severity === 'error' ? tokens.colorPaletteRedForeground1 : undefined }}
                    >
                      {cs.text}
                    </Text>
                  </TableCell>
                  <TableCell>
                    {dr.errorLogUri && <LogLink drive={dr} kind="error" uri={dr.errorLogUri} />}{' '}
                    {dr.verboseLogUri && <LogLink drive={dr} kind="verbose" uri={dr.verboseLogUri} />}
                    {!dr.errorLogUri && !dr.verboseLogUri && '—'}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Field>
      {logUris.map((u) => (
        <DriveLogView key={u} uri={u} kind={job.drives.some((dr) => dr.verboseLogUri === u) ? 'verbose' : 'error'} />
      ))}
      {job.returnPackage && (
        <Field label="Return package">
          <Text data-testid="ij-return-package">
            {job.returnPackage.carrierName} {job.returnPackage.trackingNumber} · {job.returnPackage.driveCount} drive(s)
            · shipped {formatDate(job.returnPackage.shipDate)}
          </Text>
        </Field>
      )}
      <RehearsalPanel job={job} />
      {/* A canceled job imported nothing: no verification is offered. */}
      {!(job.cancelRequested || job.state === 'Canceled') && <VerifyPanel job={job} allowed={rules.verify} />}
      <TrackingDialog job={job} open={dialog === 'tracking'} onClose={() => setDialog(null)} />
      <ReturnDialog job={job} open={dialog === 'return'} onClose={() => setDialog(null)} />
      <ConfirmDialog
        open={dialog === 'cancel'}
        testId="ij-cancel-dialog"
        title={`Cancel import job ${job.name}?`}
        text="The job is canceled at Azure. Do not ship its disks. This cannot be undone."
        confirmLabel="Cancel the job"
        onConfirm={() => cancelJob()}
        onClose={() => setDialog(null)}
      />
      <ConfirmDialog
        open={dialog === 'delete'}
        testId="ij-delete-dialog"
        title={`Delete import job ${job.name}?`}
        text="The job record is deleted from Azure. Imported data in the storage account stays."
        confirmLabel="Delete the job"
        onConfirm={() => deleteJob()}
        onClose={() => setDialog(null)}
      />
    </section>
  );
}
