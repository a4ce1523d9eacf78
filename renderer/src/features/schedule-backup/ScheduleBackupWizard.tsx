/**
 * Schedule Backup wizard (issue 7): vertical step list, Back / Next / Cancel, Next only when the page is valid
 * (shared/policy-steps.ts). Pages are in this folder; state in store/slices/schedule-backup.ts.
 * data-testid: sb-wizard, sb-loading, sb-load-error (+ WizardFrame's wizard-* ids)
 */
import { MessageBar, MessageBarBody, MessageBarGroup, Spinner } from '@fluentui/react-components';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { STEP_TITLES, validateStep, type WizardStep } from '../../../../shared/policy-steps.ts';
import { WizardFrame } from '../../components/WizardFrame.tsx';
import { useAppStore } from '../../store/index.ts';
import { jobResourceGroupMissing, wizardSteps } from '../../store/slices/schedule-backup.ts';
import { GettingStartedPage } from './GettingStartedPage.tsx';
import { ItemsPage } from './ItemsPage.tsx';
import { SchedulePage } from './SchedulePage.tsx';
import { RetentionPage } from './RetentionPage.tsx';
import { InitialTypePage } from './InitialTypePage.tsx';
import { OwnDiskPage } from './OwnDiskPage.tsx';
import { SignInPage } from './SignInPage.tsx';
import { PassphrasePage } from './PassphrasePage.tsx';
import { ConfirmPage } from './ConfirmPage.tsx';
import { ProgressPage } from './ProgressPage.tsx';

const PAGES: Record<WizardStep, () => React.JSX.Element> = {
  gettingStarted: GettingStartedPage,
  items: ItemsPage,
  schedule: SchedulePage,
  retention: RetentionPage,
  initialType: InitialTypePage,
  ownDisk: OwnDiskPage,
  signIn: SignInPage,
  passphrase: PassphrasePage,
  confirm: ConfirmPage,
  progress: ProgressPage,
};

export function ScheduleBackupWizard() {
  const { view, loaded, loadError, step, reached, data, running, rgMissing } = useAppStore(
    useShallow((s) => ({
      view: s.scheduleBackup.view,
      loaded: s.scheduleBackup.loaded,
      loadError: s.scheduleBackup.loadError,
      step: s.scheduleBackup.step,
      reached: s.scheduleBackup.reached,
      data: s.scheduleBackup.data,
      running: s.scheduleBackup.running,
      rgMissing: jobResourceGroupMissing(s.scheduleBackup),
    })),
  );
  const open = useAppStore((s) => s.openScheduleBackup);
  const next = useAppStore((s) => s.nextWizardStep);
  const back = useAppStore((s) => s.backWizardStep);
  const go = useAppStore((s) => s.goWizardStep);
  const reset = useAppStore((s) => s.resetScheduleBackup);
  const navigate = useAppStore((s) => s.navigate);

  useEffect(() => {
    void open();
  }, [open]);
  // Signed in or out anywhere (the title bar, Sign in / out, another console): the wizard's sign-in follows.
  const signedIn = useAppStore((s) => !!s.auth?.signedIn);
  const sync = useAppStore((s) => s.syncWizardSignIn);
  useEffect(() => {
    if (loaded) sync();
  }, [signedIn, loaded, sync]);

  if (!loaded) return <Spinner data-testid="sb-loading" label="Reading the backup policy…" />;
  const steps = wizardSteps({ data, view })
    .filter((id) => id !== 'progress' || step === 'progress')
    .map((id) => ({
      id,
      title: STEP_TITLES[id],
      valid:
        id === 'progress'
          ? false
          : Object.keys(validateStep(id, data)).length === 0 && !(id === 'ownDisk' && rgMissing),
    }));
  const Page = PAGES[step];
  const close = () => {
    reset();
    navigate('console');
  };
  return (
    <div data-testid="sb-wizard" data-step={step} style={{ height: '100%' }}>
      {loadError && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="error" data-testid="sb-load-error">
            <MessageBarBody>The backup policy could not be read: {loadError}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <WizardFrame
        title="Schedule Backup Wizard"
        steps={steps}
        currentId={step}
        reachedIndex={step === 'progress' ? steps.length - 1 : reached}
        onStepSelect={(id) => step !== 'progress' && go(id as WizardStep)}
        onBack={back}
        onNext={next}
        onCancel={close}
        finished={step === 'progress'}
        finishLabel="Finish"
        busy={running}
      >
        <Page />
      </WizardFrame>
    </div>
  );
}

export default ScheduleBackupWizard;
