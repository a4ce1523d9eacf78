/**
 * Step 1: the staging location (remembered; UNC paths allowed) and the import jobs found in it.
 * data-testid: dp-staging, dp-staging-browse, dp-find-jobs, dp-jobs, dp-job-<name>, dp-jobs-broken, dp-resume
 * (data-needs-disk), dp-running, dp-follow, dp-waiting, dp-follow-waiting
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Spinner,
  Text,
} from '@fluentui/react-components';
import { SearchRegular } from '@fluentui/react-icons';
import { useShallow } from 'zustand/react/shallow';
import { DISK_PREP_WAITS } from '../../../../shared/contract/diskprep.ts';
import { errorMessage } from '../../api/client.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes, formatCount, formatDateTime } from '../../components/format.ts';
import { usePathWords } from '../../components/paths.ts';
import { useAppStore } from '../../store/index.ts';
import { BrowseButton } from '../../components/BrowseButton.tsx';

export function StagingPage() {
  const { stagingLocation, jobs, jobsLoading, jobsError, job, status } = useAppStore(
    useShallow((s) => ({
      stagingLocation: s.diskPrep.stagingLocation,
      jobs: s.diskPrep.jobs,
      jobsLoading: s.diskPrep.jobsLoading,
      jobsError: s.diskPrep.jobsError,
      job: s.diskPrep.job,
      status: s.diskPrep.status,
    })),
  );
  const setStaging = useAppStore((s) => s.setDiskPrepStaging);
  const load = useAppStore((s) => s.loadStagingJobs);
  const choose = useAppStore((s) => s.chooseStagedJob);
  const resume = useAppStore((s) => s.startCopy);
  const passphrase = useAppStore((s) => s.diskPrep.passphrase);
  const setPassphrase = useAppStore((s) => s.setDiskPrepPassphrase);
  const openShipping = useAppStore((s) => s.openShipping);
  const follow = useAppStore((s) => s.followCopy);
  const checkPassphrase = useAppStore((s) => s.checkDiskPrepPassphrase);
  const passphraseError = useAppStore((s) => s.diskPrep.passphraseError);
  const paths = usePathWords();
  const picked = async (p: string) => {
    setStaging(p);
    await load();
  };
  const resumable = status && status.started && !status.complete && !status.runningTaskId && !status.waitingTaskId;
  // Every disk the job has is done and files are left: it paused for another disk (e.g. before a restart).
  const pausedForDisk = !!status?.needsDisk && !!status.disks.length && status.disks.every((d) => d.verified);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16, maxWidth: 860 }}>
      <Text>
        Disk Prep copies a finished backup from its staging location onto your disks, writes a drive manifest for each
        disk, reads every byte back, and then creates the Azure import job.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
        style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}
      >
        <Field
          label="Staging location"
          hint={`The folder or network share (${paths.stagingExample}) that Back Up Now wrote to.`}
          style={{ flex: 1 }}
        >
          <Input
            data-testid="dp-staging"
            value={stagingLocation}
            onChange={(_, d) => setStaging(d.value)}
            placeholder={paths.stagingExample}
          />
        </Field>
        <BrowseButton
          testId="dp-staging-browse"
          title="Choose the staging location"
          from={stagingLocation}
          onPick={picked}
        />
        <Button
          data-testid="dp-find-jobs"
          type="submit"
          appearance="primary"
          icon={<SearchRegular />}
          disabled={!stagingLocation.trim() || jobsLoading}
        >
          Find jobs
        </Button>
      </form>
      {jobsLoading && <Spinner size="tiny" label="Reading seed.json files…" />}
      <ErrorBar
        error={jobsError}
        title="The staging location could not be read"
        onRetry={() => void load()}
        testId="dp-jobs-error"
      />
      {jobs && (
        <Field label={`Import jobs in ${jobs.stagingLocation}`}>
          {jobs.jobs.length === 0 ? (
            <Text data-testid="dp-jobs-empty" italic>
              No backup job found here (no {paths.join('<job>', 'seed.json')}). Run Back Up Now first, or pick another
              staging location.
            </Text>
          ) : (
            <RadioGroup data-testid="dp-jobs" value={job ?? ''} onChange={(_, d) => void choose(d.value)}>
              {jobs.jobs.map((j) => (
                <Radio
                  key={j.jobName}
                  value={j.jobName}
                  data-testid={`dp-job-${j.jobName}`}
                  disabled={j.state !== 'complete'}
                  label={`${j.jobName} — ${formatCount(j.files)} files, ${formatBytes(j.bytes)}, from ${j.sourceMachine}, ${formatDateTime(j.createdAt)}${j.storageAccount ? `, storage account ${j.storageAccount}` : ''}${j.state !== 'complete' ? ' (backup not finished: run Back Up Now to complete it)' : ''}`}
                />
              ))}
            </RadioGroup>
          )}
        </Field>
      )}
      {jobs && jobs.broken.length > 0 && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-jobs-broken">
            <MessageBarBody>
              <MessageBarTitle>Damaged job folders skipped</MessageBarTitle>
              {jobs.broken.map((b) => `${b.seedPath} ${b.reason}`).join('; ')}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {job && resumable && (
        <MessageBarGroup>
          <MessageBar
            intent={pausedForDisk ? 'warning' : 'info'}
            data-testid="dp-resume"
            data-needs-disk={pausedForDisk ? 'true' : 'false'}
          >
            <MessageBarBody>
              <MessageBarTitle>
                {pausedForDisk ? 'Waiting for another disk' : 'A previous run was interrupted'}
              </MessageBarTitle>
              {status.disks.length} disk(s) already hold{' '}
              {formatCount(status.disks.reduce((s, d) => s + d.committedFiles, 0))} copied files.{' '}
              {pausedForDisk
                ? `They are prepared and read back; the job needs at least ${formatBytes(status.needsDisk!.neededBytes, true)} more capacity for ${status.needsDisk!.remainingFiles} remaining file${status.needsDisk!.remainingFiles === 1 ? '' : 's'} (${formatBytes(status.needsDisk!.remainingBytes)}). Resume, then attach another disk when asked.`
                : 'Resume on the same disks to continue where it stopped (the last partial file is checked again).'}
              {!pausedForDisk &&
                status.needsDisk &&
                ` Afterwards it needs another disk of at least ${formatBytes(status.needsDisk.neededBytes, true)}.`}
            </MessageBarBody>
            <MessageBarActions>
              <Input
                data-testid="dp-resume-passphrase"
                type="password"
                placeholder="Backup passphrase"
                aria-label="Backup passphrase (seals the BitLocker keys)"
                value={passphrase}
                onChange={(_, d) => setPassphrase(d.value)}
              />
              <Button data-testid="dp-resume-btn" disabled={!passphrase} onClick={() => void resume(true)}>
                Resume
              </Button>
            </MessageBarActions>
          </MessageBar>
        </MessageBarGroup>
      )}
      {job && status?.runningTaskId && (
        <MessageBarGroup>
          <MessageBar intent="info" data-testid="dp-running">
            <MessageBarBody>Disk Prep is copying {job} right now.</MessageBarBody>
            <MessageBarActions>
              <Button data-testid="dp-follow" onClick={() => follow(status.runningTaskId!)}>
                Show progress
              </Button>
            </MessageBarActions>
          </MessageBar>
        </MessageBarGroup>
      )}
      {job && status?.waitingTaskId && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-waiting" data-waiting-for={status.waitingFor ?? 'anotherDisk'}>
            <MessageBarBody>
              <MessageBarTitle>{DISK_PREP_WAITS[status.waitingFor ?? 'anotherDisk'].title}</MessageBarTitle>
              {status.waitingFor === 'signIn'
                ? `Disk Prep for ${job} is paused until you sign in: every drive manifest carries a container SAS, signed through your Azure sign-in. It continues by itself once you are signed in.`
                : `Disk Prep for ${job} filled its disks and is paused${
                    status.needsDisk
                      ? `: at least ${formatBytes(status.needsDisk.neededBytes, true)} more capacity is needed`
                      : ''
                  }.`}
            </MessageBarBody>
            <MessageBarActions>
              <Button
                data-testid="dp-follow-waiting"
                appearance="primary"
                onClick={() => follow(status.waitingTaskId!)}
              >
                {DISK_PREP_WAITS[status.waitingFor ?? 'anotherDisk'].action}
              </Button>
            </MessageBarActions>
          </MessageBar>
        </MessageBarGroup>
      )}
      {job && status?.complete && (
        <MessageBarGroup>
          <MessageBar intent="success" data-testid="dp-already-prepared">
            <MessageBarBody>
              All data of {job} is already on verified disks. Enter the backup passphrase (it opens the disks' keys for
              the import job) and go on to the shipping details.
              {passphraseError ? (
                <span data-testid="dp-prepared-passphrase-error" style={{ display: 'block', fontWeight: 600 }}>
                  {errorMessage(passphraseError)}
                </span>
              ) : null}
            </MessageBarBody>
            <MessageBarActions>
              <Input
                data-testid="dp-prepared-passphrase"
                type="password"
                placeholder="Backup passphrase"
                aria-label="Backup passphrase (opens the disks' BitLocker keys)"
                value={passphrase}
                onChange={(_, d) => setPassphrase(d.value)}
              />
              <Button
                data-testid="dp-skip-to-shipping"
                disabled={!passphrase}
                onClick={() => void checkPassphrase().then((right) => (right ? openShipping() : undefined))}
              >
                Shipping details
              </Button>
            </MessageBarActions>
          </MessageBar>
        </MessageBarGroup>
      )}
    </div>
  );
}
