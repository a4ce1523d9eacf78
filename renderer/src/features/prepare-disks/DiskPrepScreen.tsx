/**
 * Prepare Disks: staging → disks → (erase confirmation) → sign in → copy → shipping details → result.
 * data-testid: disk-prep-screen (data-step); the pages carry their own ids.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { diskPrepWaitReason } from '../../../../shared/contract/diskprep.ts';
import { isFinished } from '../../../../shared/task.ts';
import { WizardFrame, type WizardStepDef } from '../../components/WizardFrame.tsx';
import { useAppStore } from '../../store/index.ts';
import { DISK_PREP_STEPS, type DiskPrepStep } from '../../store/state/disk-prep.ts';
import { ShippingPage } from '../shipping/ShippingPage.tsx';
import { ShippingResult } from '../shipping/ShippingResult.tsx';
import { CopyProgressPage } from './CopyProgressPage.tsx';
import { DisksPage } from './DisksPage.tsx';
import { EraseDialog } from './EraseDialog.tsx';
import { SignInPage } from './SignInPage.tsx';
import { StagingPage } from './StagingPage.tsx';
import { capacitySummary } from './disk-rules.ts';

const TITLES: Record<DiskPrepStep, string> = {
  staging: 'Staging location',
  disks: 'Disks',
  signin: 'Sign in',
  copy: 'Copy and verify',
  shipping: 'Shipping details',
  result: 'Ship the disks',
};

export function DiskPrepScreen() {
  const dp = useAppStore(
    useShallow((s) => ({
      step: s.diskPrep.step,
      reached: s.diskPrep.reached,
      job: s.diskPrep.job,
      jobs: s.diskPrep.jobs,
      selected: s.diskPrep.selected,
      disks: s.diskPrep.disks,
      plan: s.diskPrep.plan,
      passphrase: s.diskPrep.passphrase,
      signedIn: !!s.auth?.signedIn,
      taskId: s.diskPrep.taskId,
      created: s.diskPrep.created,
      status: s.diskPrep.status,
      creating: s.diskPrep.creating,
      checkingPassphrase: s.diskPrep.checkingPassphrase,
    })),
  );
  const task = useAppStore((s) => (dp.taskId ? s.tasks[dp.taskId] : undefined));
  const a = useAppStore(
    useShallow((s) => ({
      open: s.openDiskPrep,
      go: s.goDiskPrepStep,
      advance: s.advanceDiskPrepStep,
      loadDisks: s.loadDisks,
      openErase: s.openErase,
      checkPassphrase: s.checkDiskPrepPassphrase,
      startCopy: s.startCopy,
      openShipping: s.openShipping,
      navigate: s.navigate,
      reset: s.resetDiskPrep,
    })),
  );
  useEffect(() => {
    void a.open();
  }, [a]);
  const staged = dp.jobs?.jobs.find((j) => j.jobName === dp.job);
  const chosen = (dp.disks?.disks ?? []).filter((d) => dp.selected.includes(d.id));
  const cap = capacitySummary(chosen, dp.plan?.totalBytes ?? staged?.bytes ?? 0, dp.plan ? dp.plan.fits : undefined);
  const copyDone =
    (task && (task.status === 'succeeded' || task.status === 'succeededWithWarnings')) || !!dp.status?.complete;
  const valid: Record<DiskPrepStep, boolean> = {
    staging: !!staged && staged.state === 'complete',
    // Too little capacity is allowed: the copy fills these disks, then asks for another (one dock, disks in turn).
    disks: chosen.length > 0 && !cap.tooMany && !dp.plan?.tooManyDisks && dp.passphrase.length > 0,
    signin: dp.signedIn,
    copy: !!copyDone && !(task && !isFinished(task.status)),
    shipping: !!dp.created,
    result: true,
  };
  const steps: WizardStepDef[] = DISK_PREP_STEPS.map((id) => ({ id, title: TITLES[id], valid: valid[id] }));
  const onNext = () => {
    switch (dp.step) {
      case 'staging':
        a.advance('disks');
        void a.loadDisks();
        return;
      case 'disks':
        // The passphrase first: typing the job name to confirm erasing is asked only once it is the right one.
        return void a.checkPassphrase().then((right) => right && a.openErase('start', dp.selected));
      case 'signin':
        return void a.startCopy();
      case 'copy':
        return void a.openShipping();
      case 'shipping':
        return a.advance('result');
      case 'result':
        a.reset();
        return a.navigate('console');
    }
  };
  const onBack = () => {
    const i = DISK_PREP_STEPS.indexOf(dp.step);
    if (i > 0) a.go(DISK_PREP_STEPS[i - 1]);
  };
  const running = !!task && !isFinished(task.status);
  return (
    <div data-testid="disk-prep-screen" data-step={dp.step} style={{ height: '100%', minHeight: 560, minWidth: 0 }}>
      <WizardFrame
        title="Prepare Disks"
        steps={steps}
        currentId={dp.step}
        reachedIndex={dp.reached}
        onStepSelect={(id) => a.go(id as DiskPrepStep)}
        onBack={onBack}
        onNext={onNext}
        onCancel={() => a.navigate('console')}
        cancelLabel="Close"
        finished={dp.step === 'result'}
        finishLabel="Done"
        busy={dp.creating || dp.checkingPassphrase}
      >
        {dp.step === 'staging' && <StagingPage />}
        {dp.step === 'disks' && <DisksPage />}
        {dp.step === 'signin' && <SignInPage />}
        {dp.step === 'copy' && <CopyProgressPage />}
        {dp.step === 'shipping' && <ShippingPage />}
        {dp.step === 'result' && <ShippingResult />}
        {running && dp.step !== 'copy' && (
          <p data-testid="dp-background" data-status={task?.status}>
            {task?.status !== 'waiting'
              ? 'Disk Prep is running in the background; open “Copy and verify” to follow it.'
              : diskPrepWaitReason(task.waiting) === 'signIn'
                ? 'Disk Prep is paused and waits for sign-in; sign in and it continues by itself.'
                : 'Disk Prep is paused and waits for another disk; open “Copy and verify” to attach one.'}
          </p>
        )}
      </WizardFrame>
      <EraseDialog />
    </div>
  );
}
