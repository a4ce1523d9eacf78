/**
 * Back Up Now, pages 2 and 3: Retain Backup Till (a calendar date) and the backup's encryption passphrase.
 * data-testid: bun-retain, bun-retain-note, bun-passphrase, bun-passphrase-confirm, bun-passphrase-show,
 *   bun-passphrase-note, bun-passphrase-error
 */
import {
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { MAX_RETAIN_YEARS, addYears, type FieldErrors } from '../../../../shared/backup-wizard.ts';
import { AppError } from '../../../../shared/errors.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { localToday } from '../../store/slices/back-up-now.ts';
import { useAppStore } from '../../store/index.ts';
import { backUpNowTarget } from '../../store/slices/back-up-now-target.ts';
import { PassphraseField } from '../../components/PassphraseField.tsx';

/** Back Up Now after the seed: an online restore point (backup-target). */
const useOnline = () =>
  useAppStore((s) => s.backUpNow.draft.source === 'policy' && backUpNowTarget(s.backUpNow.policy).kind === 'online');

const useStyles = makeStyles({ page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '640px' } });

export function RetainPage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const retainUntil = useAppStore((s) => s.backUpNow.draft.retainUntil);
  const update = useAppStore((s) => s.updateBackupDraft);
  const online = useOnline();
  const today = localToday();
  return (
    <div className={styles.page}>
      <Text>Choose how long this backup is kept. After this date the recovery point it creates may be deleted.</Text>
      <Field
        label="Retain Backup Till"
        required
        validationMessage={errors.retainUntil ?? null}
        hint={(errors.retainUntil ? undefined : `A date after today, at most ${MAX_RETAIN_YEARS} years ahead.`) ?? null}
      >
        <Input
          type="date"
          data-testid="bun-retain"
          value={retainUntil}
          min={addYears(today, 0)}
          max={addYears(today, MAX_RETAIN_YEARS)}
          onChange={(_, d) => update({ retainUntil: d.value })}
        />
      </Field>
      <Text size={200} data-testid="bun-retain-note">
        {online
          ? "The date is recorded in the restore point: the policy's retention does not remove it before the end of that day."
          : "The date is recorded with the backup (in the job's seed.json in the staging location) and shown on the confirmation page."}
      </Text>
    </div>
  );
}

export function PassphrasePage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const bun = useAppStore((s) => s.backUpNow);
  const update = useAppStore((s) => s.updateBackupDraft);
  const [show, setShow] = useState(false);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const online = useOnline();
  const { draft, existing } = bun;
  const newJob = existing !== 'inProgress';
  if (online)
    return (
      <div className={styles.page}>
        <MessageBarGroup>
          <MessageBar
            layout="multiline"
            intent={errors.passphrase ? 'error' : 'info'}
            data-testid="bun-passphrase-note"
            data-existing="online"
          >
            <MessageBarBody>
              {errors.passphrase ??
                "The restore point is encrypted with the passphrase saved (protected) with your backup policy: the seed's passphrase. You do not need to type it; the container's key check refuses any other."}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      </div>
    );
  const wrong =
    bun.startError instanceof AppError && bun.startError.code === 'WRONG_PASSPHRASE' ? bun.startError : null;
  const note =
    existing === 'inProgress'
      ? `An unfinished backup of job "${draft.jobName}" is in the staging location. Back Up Now resumes it: enter the passphrase it was started with; another one is refused.`
      : existing === 'complete'
        ? `Job "${draft.jobName}" already has a completed backup. The confirmation page asks before replacing it. A backup has exactly one passphrase: the one typed here must be the one the job was backed up with (or the one saved with the policy).`
        : bun.policy?.passphraseSet
          ? draft.usePolicyPassphrase
            ? 'The passphrase saved (protected) with your backup policy is used; you do not need to type it.'
            : 'Type the passphrase saved with your backup policy: a backup has exactly one passphrase, and another one is refused. Nothing can be restored without it.'
          : 'Choose a passphrase of 16 to 256 printable ASCII characters and keep it safe: nothing can be restored without it.';
  return (
    <div className={styles.page}>
      <MessageBarGroup>
        <MessageBar layout="multiline" intent="info" data-testid="bun-passphrase-note" data-existing={existing}>
          <MessageBarBody>{note}</MessageBarBody>
        </MessageBar>
      </MessageBarGroup>
      <ErrorBar error={wrong} testId="bun-passphrase-error" title="Wrong passphrase" />
      {bun.policy?.passphraseSet && (
        <Checkbox
          data-testid="bun-use-policy-passphrase"
          label="Use the passphrase saved with the backup policy on this machine"
          checked={!!draft.usePolicyPassphrase}
          onChange={(_, d) => update({ usePolicyPassphrase: !!d.checked })}
        />
      )}
      {!draft.usePolicyPassphrase && (
        <PassphraseField
          label="Passphrase"
          testId="bun-passphrase"
          visible={show}
          newPassphrase
          value={draft.passphrase}
          onChange={(passphrase) => update({ passphrase })}
          onBlur={() => setTouched((t) => ({ ...t, passphrase: true }))}
          field={{
            validationMessage: (touched.passphrase || draft.passphrase ? errors.passphrase : undefined) ?? null,
          }}
        />
      )}
      {newJob && !draft.usePolicyPassphrase && (
        <PassphraseField
          label="Confirm passphrase"
          testId="bun-passphrase-confirm"
          visible={show}
          newPassphrase
          value={draft.passphraseConfirm}
          onChange={(passphraseConfirm) => update({ passphraseConfirm })}
          onBlur={() => setTouched((t) => ({ ...t, confirm: true }))}
          field={{
            validationMessage:
              (touched.confirm || draft.passphraseConfirm ? errors.passphraseConfirm : undefined) ?? null,
          }}
        />
      )}
      {!draft.usePolicyPassphrase && (
        <Checkbox
          data-testid="bun-passphrase-show"
          label="Show passphrase"
          checked={show}
          onChange={(_, d) => setShow(!!d.checked)}
        />
      )}
    </div>
  );
}
