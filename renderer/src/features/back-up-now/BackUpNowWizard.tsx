/**
 * Back Up Now (SPEC §2.6): Select Backup Item → Retain Backup Till → Passphrase → Confirmation → Backup Progress.
 * State lives in the bun slice, so closing the wizard and opening it again shows the running backup.
 * data-testid: bun-wizard (plus the WizardFrame ids and each page's ids)
 */
import { Spinner } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { BACKUP_STEPS, validateBackupStep, type BackupStep } from '../../../../shared/backup-wizard.ts';
import { isFinished } from '../../../../shared/task.ts';
import { WizardFrame } from '../../components/WizardFrame.tsx';
import { enterAdvances } from './enter-advances.ts';
import { useAppStore } from '../../store/index.ts';
import { localToday } from '../../store/slices/back-up-now.ts';
import { policyDefaultsOf } from '../../store/slices/policy-defaults.ts';
import { backUpNowTarget, onlineStepErrors } from '../../store/slices/back-up-now-target.ts';
import { BackupProgressPage } from './BackupProgressPage.tsx';
import { ConfirmPage } from './ConfirmPage.tsx';
import { ItemsPage } from './ItemsPage.tsx';
import { PassphrasePage, RetainPage } from './RetainPassphrasePages.tsx';

const TITLES: Record<BackupStep, string> = {
  items: 'Select Backup Item',
  retain: 'Retain Backup Till',
  passphrase: 'Passphrase',
  confirm: 'Confirmation',
  progress: 'Backup Progress',
};

export function BackUpNowWizard() {
  const bun = useAppStore((s) => s.backUpNow);
  const task = useAppStore((s) => (s.backUpNow.taskId ? s.tasks[s.backUpNow.taskId] : undefined));
  const openBackUpNow = useAppStore((s) => s.openBackUpNow);
  const go = useAppStore((s) => s.goBackupStep);
  const checkBackupJob = useAppStore((s) => s.checkBackupJob);
  const checkStaging = useAppStore((s) => s.checkStagingForBackup);
  const checkPassphrase = useAppStore((s) => s.checkBackupPassphrase);
  const reset = useAppStore((s) => s.resetBackUpNow);
  const navigate = useAppStore((s) => s.navigate);
  const [advancing, setAdvancing] = useState(false);

  useEffect(() => {
    void openBackUpNow();
  }, [openBackUpNow]);
  // A policy created, changed or deleted while the wizard is open (policy:changed) is used at once.
  const policyView = useAppStore((s) => s.scheduleBackup.view);
  const applyPolicy = useAppStore((s) => s.applyBackUpNowPolicy);
  useEffect(() => {
    if (policyView) applyPolicy(policyDefaultsOf(policyView));
  }, [policyView, applyPolicy]);

  const verifyTask = useAppStore((s) => (s.backUpNow.verifyTaskId ? s.tasks[s.backUpNow.verifyTaskId] : undefined));
  const running = !!task && !isFinished(task.status);
  const verifying = !!verifyTask && !isFinished(verifyTask.status);
  const ctx = { today: localToday(), existing: bun.existing, estimate: bun.estimate, running };
  // Until the seed is imported: the initial backup to staging; after: an online restore point (its own page rules).
  const online =
    bun.draft.source === 'policy' && bun.policy && backUpNowTarget(bun.policy).kind === 'online' ? bun.policy : null;
  const errors = Object.fromEntries(
    BACKUP_STEPS.map((s) => [
      s,
      online
        ? onlineStepErrors(s, online, validateBackupStep(s, bun.draft, ctx), running)
        : validateBackupStep(s, bun.draft, ctx),
    ]),
  ) as Record<BackupStep, Record<string, string | undefined>>;
  const ok = (s: BackupStep) => Object.keys(errors[s]).length === 0;
  const canStart = ok('items') && ok('retain') && ok('passphrase') && ok('confirm') && !bun.estimating && !bun.taskId;
  // No schedule yet: Back Up Now first asks for one (MARS), unless the user chose a one-off backup.
  const gated = bun.policyLoad === 'none' && !bun.withoutSchedule;
  const steps = BACKUP_STEPS.map((id) => ({
    id,
    title: TITLES[id],
    valid: id === 'confirm' ? !!bun.taskId : id === 'progress' ? true : ok(id) && !(id === 'items' && gated),
  }));
  const index = BACKUP_STEPS.indexOf(bun.step);

  const close = () => {
    // Closing never stops the task; a finished (or never started) run is forgotten, a running one is kept.
    if (!running && !verifying) reset();
    navigate('console');
  };
  const next = async () => {
    if (bun.step === 'progress') return close();
    if (bun.step === 'items') {
      setAdvancing(true);
      const [stagingOk] = await Promise.all([checkStaging(), checkBackupJob()]);
      setAdvancing(false);
      if (!stagingOk) return;
    }
    if (bun.step === 'passphrase') {
      // An unfinished job's passphrase is checked against its seed.json before going on.
      setAdvancing(true);
      const right = await checkPassphrase();
      setAdvancing(false);
      if (!right) return;
    }
    go(BACKUP_STEPS[index + 1]);
  };

  if (bun.policyLoad === 'loading' || bun.policyLoad === 'idle')
    return <Spinner data-testid="bun-loading" label="Reading the backup policy…" />;

  return (
    <div
      data-testid="bun-wizard"
      style={{ height: '100%', minHeight: 560 }}
      onKeyDown={(e) =>
        enterAdvances(e, !!steps[index]?.valid && !advancing && index < steps.length - 1, () => void next())
      }
    >
      <WizardFrame
        title="Back Up Now"
        steps={steps}
        currentId={bun.step}
        reachedIndex={bun.taskId ? BACKUP_STEPS.length - 1 : Math.min(bun.reached, BACKUP_STEPS.indexOf('confirm'))}
        onStepSelect={(id) => go(id as BackupStep)}
        onBack={() => index > 0 && go(BACKUP_STEPS[index - 1])}
        onNext={() => void next()}
        onCancel={close}
        finished={!!bun.taskId}
        finishLabel="Close"
        busy={advancing}
      >
        {bun.step === 'items' && <ItemsPage errors={errors.items} />}
        {bun.step === 'retain' && <RetainPage errors={errors.retain} />}
        {bun.step === 'passphrase' && <PassphrasePage errors={errors.passphrase} />}
        {bun.step === 'confirm' && <ConfirmPage errors={errors.confirm} canStart={canStart} />}
        {bun.step === 'progress' && <BackupProgressPage />}
      </WizardFrame>
    </div>
  );
}
