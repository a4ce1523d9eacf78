/**
 * Page 1: Getting Started. With an existing policy it also offers the Modify / Pause / Stop / Re-enable choices of
 * SPEC §2.3.2; deleting asks for a typed confirmation in a modal dialog.
 * data-testid: sb-getting-started, sb-policy-state, sb-load-problem, sb-pause, sb-stop-keep, sb-reenable,
 *   sb-delete, sb-delete-dialog, sb-delete-confirm, sb-delete-staging, sb-delete-submit, sb-delete-cancel, sb-action-message
 */
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { BACKUP_HOME, LATER_BACKUPS } from '../console/backup-home.ts';

export function GettingStartedPage() {
  const { view, actionMessage } = useAppStore(
    useShallow((s) => ({ view: s.scheduleBackup.view, actionMessage: s.scheduleBackup.actionMessage })),
  );
  const setState = useAppStore((s) => s.setPolicyState);
  const del = useAppStore((s) => s.deletePolicy);
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const [withStaging, setWithStaging] = useState(false);
  const policy = view?.policy ?? null;
  const confirmError = confirm === 'DELETE' ? undefined : 'Type DELETE (in capitals) to confirm.';

  return (
    <div
      data-testid="sb-getting-started"
      style={{ display: 'grid', gap: 12, maxWidth: 720, gridTemplateColumns: 'minmax(0, 1fr)' }}
    >
      <Text as="h3" size={500} weight="semibold">
        Getting Started
      </Text>
      <Text>
        This wizard schedules backups of files, folders and drives of this machine. You choose what to back up, when,
        how long recovery points are kept and how the first (initial) backup reaches Azure. With <b>your own disks</b>,
        the first backup is written to a staging location, copied onto disks you ship to an Azure datacenter, and
        imported into a storage container. {BACKUP_HOME} {LATER_BACKUPS}
      </Text>
      {view?.loadProblem && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="warning" data-testid="sb-load-problem">
            <MessageBarBody>{view.loadProblem}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {policy ? (
        <>
          <Text data-testid="sb-policy-state" data-state={policy.state}>
            A backup schedule exists and is <b>{policy.state}</b>.
            {view?.nextRuns[0]
              ? ` Next backup: ${formatDateTime(Date.parse(view.nextRuns[0]), policy.schedule.timeZone)}.`
              : ''}{' '}
            Press Next to change its items or times, or choose:
          </Text>
          <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
            {policy.state === 'active' ? (
              <>
                <Button data-testid="sb-pause" onClick={() => void setState('paused')}>
                  Pause scheduled backups
                </Button>
                <Button data-testid="sb-stop-keep" onClick={() => void setState('stopped')}>
                  Stop, keep stored backups
                </Button>
              </>
            ) : (
              <Button data-testid="sb-reenable" onClick={() => void setState('active')}>
                Re-enable backup schedule
              </Button>
            )}
            <Dialog open={open} onOpenChange={(_, d) => setOpen(d.open)} modalType="alert">
              <DialogTrigger disableButtonEnhancement>
                <Button data-testid="sb-delete">Stop and delete…</Button>
              </DialogTrigger>
              <DialogSurface data-testid="sb-delete-dialog">
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    setTouched(true);
                    if (confirmError) return;
                    setOpen(false);
                    void del(withStaging);
                  }}
                >
                  <DialogBody>
                    <DialogTitle>Stop a scheduled backup</DialogTitle>
                    <DialogContent style={{ display: 'grid', gap: 8 }}>
                      <Text>The schedule is deleted and no further backups run. This cannot be undone.</Text>
                      <Checkbox
                        data-testid="sb-delete-staging"
                        checked={withStaging}
                        onChange={(_, d) => setWithStaging(!!d.checked)}
                        label="Also delete this policy's staging data (the job folder in the staging location)"
                      />
                      <Field
                        label="Type DELETE to confirm"
                        required
                        validationMessage={(touched ? confirmError : undefined) ?? null}
                        validationState={touched && confirmError ? 'error' : 'none'}
                      >
                        <Input
                          data-testid="sb-delete-confirm"
                          value={confirm}
                          onChange={(_, d) => setConfirm(d.value)}
                          onBlur={() => setTouched(true)}
                        />
                      </Field>
                    </DialogContent>
                    <DialogActions>
                      <Button data-testid="sb-delete-submit" type="submit" appearance="primary">
                        Delete schedule
                      </Button>
                      <DialogTrigger disableButtonEnhancement>
                        <Button data-testid="sb-delete-cancel">Cancel</Button>
                      </DialogTrigger>
                    </DialogActions>
                  </DialogBody>
                </form>
              </DialogSurface>
            </Dialog>
          </div>
        </>
      ) : (
        <Text>No backup is scheduled on this machine yet. Press Next to begin.</Text>
      )}
      {actionMessage && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="info" data-testid="sb-action-message">
            <MessageBarBody>{actionMessage}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
    </div>
  );
}
