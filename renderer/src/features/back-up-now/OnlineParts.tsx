/**
 * Back Up Now once the seed is imported (issue 16): which backup this is and why (on every page), the policy's items
 * as they will be backed up, the confirmation of an online restore point, and its progress (scanned, new and
 * uploaded bytes, rate, ETA, cancel) and outcome. The run is the scheduler's online run (`backup:startOnline`), so it
 * is also a row in Jobs.
 * data-testid: bun-target-note (data-target), bun-check-seed, bun-check-seed-error, bun-online-items, bun-online-summary, bun-online-container,
 *   bun-online-progress (data-status), bun-online-counter-<name>, bun-online-result, bun-online-failure,
 *   bun-online-fix (data-fix), bun-online-run-again
 */
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AppError } from '../../../../shared/errors.ts';
import { isFinished, type TaskSnapshot } from '../../../../shared/task.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { TaskProgress } from '../../components/TaskProgress.tsx';
import { formatBytes, formatCount, formatDate, formatDuration } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import type { BackUpNowTarget } from '../../store/slices/back-up-now-target.ts';
import { summaryTableStyle, figureGridStyle, figureStyle } from '../../components/styles.ts';
import { TaskResultBar } from '../../components/TaskResultBar.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '820px' },
  table: summaryTableStyle,
  grid: figureGridStyle,
  cell: figureStyle,
});

/**
 * Which backup Back Up Now makes, and why (seed not yet imported / imported: incremental). While the seed is not
 * known to be imported, the import job can be checked at once instead of waiting for the next scheduled run.
 */
export function TargetNote({ target }: { target: BackUpNowTarget }) {
  const checking = useAppStore((s) => s.backUpNow.seedChecking);
  const error = useAppStore((s) => s.backUpNow.seedCheckError);
  const check = useAppStore((s) => s.checkSeedForBackup);
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <MessageBarGroup>
        <MessageBar layout="multiline" intent="info" data-testid="bun-target-note" data-target={target.kind}>
          <MessageBarBody>
            <MessageBarTitle>{target.title}</MessageBarTitle>
            {target.why}
          </MessageBarBody>
          {target.kind === 'staging' && target.seedPending && (
            <MessageBarActions>
              <Button size="small" data-testid="bun-check-seed" disabled={checking} onClick={() => void check()}>
                {checking ? 'Checking…' : 'Check the import job now'}
              </Button>
            </MessageBarActions>
          )}
        </MessageBar>
      </MessageBarGroup>
      <ErrorBar error={error} testId="bun-check-seed-error" title="The import job could not be checked" />
    </div>
  );
}

/** Page 1 online: the policy's items and exclusions, all backed up (a restore point is of the whole policy). */
export function OnlineItems() {
  const policy = useAppStore((s) => s.backUpNow.policy);
  return (
    <div data-testid="bun-online-items" style={{ display: 'grid', gap: 8 }}>
      <Text weight="semibold">Items of the backup policy</Text>
      <ul style={{ margin: 0, paddingLeft: 20, overflowWrap: 'anywhere' }} aria-label="Items to back up">
        {policy?.items.map((it) => (
          <li key={it.path}>
            {it.path} ({it.kind})
          </li>
        ))}
      </ul>
      <Text size={200}>
        A restore point holds every item of the policy, with its exclusions, so that each point restores the whole
        backup. Change the items in Schedule Backup.
      </Text>
    </div>
  );
}

/** The summary row of the policy's exclusions: its folder rules, and its patterns and file types counted together. */
export function ExclusionsRow({
  exclusions,
}: {
  exclusions: { folders: readonly unknown[]; patterns: readonly unknown[]; fileTypes?: readonly unknown[] | undefined };
}) {
  return (
    <tr>
      <th scope="row">Exclusions</th>
      <td>
        {exclusions.folders.length} folder rule(s), {exclusions.patterns.length + (exclusions.fileTypes?.length ?? 0)}{' '}
        file type(s) from the policy
      </td>
    </tr>
  );
}

/** The summary row of the Retain Backup Till date chosen for this backup. */
export function RetainUntilRow({ retainUntil }: { retainUntil: string }) {
  return (
    <tr>
      <th scope="row">Retain Backup Till</th>
      <td data-testid="bun-summary-retain">{formatDate(retainUntil)}</td>
    </tr>
  );
}

export function OnlineConfirm() {
  const styles = useStyles();
  const bun = useAppStore((s) => s.backUpNow);
  const { policy, draft } = bun;
  if (!policy) return null;
  return (
    <table className={styles.table} data-testid="bun-online-summary">
      <tbody>
        <tr>
          <th scope="row">Items</th>
          <td>
            {policy.items.map((i) => (
              <div key={i.path}>{i.path}</div>
            ))}
          </td>
        </tr>
        {policy.exclusions && <ExclusionsRow exclusions={policy.exclusions} />}
        <tr>
          <th scope="row">Container</th>
          <td data-testid="bun-online-container">
            {policy.storageAccount}/{policy.container}/{policy.jobName}/
          </td>
        </tr>
        <tr>
          <th scope="row">Backup</th>
          <td>
            Incremental restore point: only data the container does not hold yet is sent, encrypted with the
            policy&apos;s passphrase.
          </td>
        </tr>
        <tr>
          <th scope="row">Access</th>
          <td>
            As for scheduled runs: the container SAS of Change Properties → Container access when one is set, else this
            machine&apos;s Entra application certificate.
          </td>
        </tr>
        <RetainUntilRow retainUntil={draft.retainUntil} />
      </tbody>
    </table>
  );
}

/** What the user can do about a failed online run: the credential lives in Change Properties → Container access. */
export function onlineFix(err: AppError | null): 'containerAccess' | null {
  if (!err) return null;
  return err.code === 'SIGNIN_REQUIRED' || err.code === 'PERMISSION_DENIED' || err.details?.credential !== undefined
    ? 'containerAccess'
    : null;
}

const STATUS_TEXT: Record<TaskSnapshot['status'], string> = {
  running: 'Backing up to the container…',
  waiting: 'Waiting…',
  cancelling: 'Cancelling…',
  cancelled: 'Cancelled',
  succeeded: 'Completed',
  succeededWithWarnings: 'Completed with warnings',
  failed: 'Failed',
};

export function OnlineProgress({ task }: { task: TaskSnapshot }) {
  const styles = useStyles();
  const policy = useAppStore((s) => s.backUpNow.policy);
  const cancelTask = useAppStore((s) => s.cancelTask);
  const retryBackup = useAppStore((s) => s.retryBackup);
  const navigate = useAppStore((s) => s.navigate);
  const busy = useAppStore((s) => s.taskBusyIds.includes(task.id));
  const done = isFinished(task.status);
  const c = (n: string) => task.counters[n]?.value;
  const bytes = (n: string) => (c(n) === undefined ? '—' : formatBytes(c(n)!));
  const counters: Array<[string, string, string]> = [
    ['filesScanned', 'Files scanned', c('filesScanned') === undefined ? '—' : formatCount(c('filesScanned')!)],
    ['bytesScanned', 'Bytes scanned', bytes('bytesScanned')],
    ['newBytes', 'New bytes', bytes('newBytes')],
    ['uploadedBytes', 'Uploaded', bytes('uploadedBytes')],
    ['rate', 'Current rate', task.progress.rate ? `${formatBytes(task.progress.rate)}/s` : '—'],
    [
      'eta',
      'Time left',
      !done && task.progress.etaSeconds !== undefined ? formatDuration(task.progress.etaSeconds) : '—',
    ],
  ];
  const err = task.error ? new AppError(task.error.code, task.error.message, task.error.details) : null;
  const fix = task.status === 'failed' ? onlineFix(err) : null;
  const where = policy ? `${policy.storageAccount}/${policy.container}/${policy.jobName}/` : 'the container';
  return (
    <div className={styles.page} data-testid="bun-online-progress" data-status={task.status}>
      <Text as="h3" size={400} weight="semibold" data-testid="bun-status" data-status={task.status} aria-live="polite">
        {STATUS_TEXT[task.status]}
      </Text>
      {!done && (
        <TaskProgress
          progress={task.progress}
          status={task.status}
          label={`Restore point to ${where}`}
          onCancel={() => void cancelTask(task.id)}
          cancelDisabled={busy}
          cancelLabel={`Cancel the backup to ${where}`}
        />
      )}
      {!done && (
        <Text size={200} data-testid="bun-close-note">
          Closing this wizard does not stop the backup. It is also a row in Jobs, where you can follow or cancel it.
        </Text>
      )}
      {task.message && (
        <Text size={200} data-testid="bun-message" style={{ overflowWrap: 'anywhere' }}>
          {task.message}
        </Text>
      )}
      <dl className={styles.grid} data-testid="bun-counters">
        {counters.map(([id, label, value]) => (
          <div key={id} className={styles.cell}>
            <dt>{label}</dt>
            <dd data-testid={`bun-online-counter-${id}`}>{value}</dd>
          </div>
        ))}
      </dl>
      {(task.status === 'succeeded' || task.status === 'succeededWithWarnings') && (
        <TaskResultBar
          testId="bun-online-result"
          status={task.status}
          ok={task.status === 'succeeded'}
          title={
            task.status === 'succeeded'
              ? 'Restore point created'
              : `Restore point created with ${task.warnings.length} warning(s)`
          }
        >
          {String(task.result?.restorePoint ?? '')} is in {where}; Recover Data lists it.
        </TaskResultBar>
      )}
      {task.status === 'cancelled' && (
        <TaskResultBar testId="bun-online-result" status={task.status} ok={false} title="Backup cancelled">
          No restore point was made. Restore points already in the container are untouched, and packs already sent are
          kept: the next run does not send them again.
        </TaskResultBar>
      )}
      {task.status === 'failed' && <ErrorBar error={err} title="The backup failed" testId="bun-online-failure" />}
      {done && (task.status === 'failed' || task.status === 'cancelled') && (
        <div style={{ display: 'flex', gap: 8 }}>
          {fix === 'containerAccess' && (
            <Button
              appearance="primary"
              data-testid="bun-online-fix"
              data-fix={fix}
              onClick={() => navigate('changeProperties')}
            >
              Open Change Properties (Container access)…
            </Button>
          )}
          <Button data-testid="bun-online-run-again" onClick={() => retryBackup('confirm', null)}>
            Back to Confirmation
          </Button>
        </div>
      )}
      {task.warnings.length > 0 && (
        <section aria-label="Warnings">
          <Text weight="semibold">Warnings ({task.warnings.length})</Text>
          <ul
            style={{ maxHeight: 180, overflowY: 'auto', margin: 0, overflowWrap: 'anywhere' }}
            data-testid="bun-warnings"
          >
            {task.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
