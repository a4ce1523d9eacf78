/**
 * Recover Data: Source → Job and passphrase → Browse and select → Destination → Progress.
 * data-testid: rec-wizard (plus the WizardFrame ids and each page's ids)
 */
import { useState } from 'react';
import { RECOVER_STEPS, validateRecoverStep, type RecoverStep } from '../../../../shared/backup-wizard.ts';
import { isFinished } from '../../../../shared/task.ts';
import { WizardFrame } from '../../components/WizardFrame.tsx';
import { enterAdvances } from '../back-up-now/enter-advances.ts';
import { useAppStore } from '../../store/index.ts';
import { SUPPORTED_RECOVER_SOURCES } from '../../store/slices/recover-data.ts';
import { BrowsePage } from './BrowsePage.tsx';
import { DestinationPage } from './DestinationPage.tsx';
import { RecoverProgressPage } from './RecoverProgressPage.tsx';
import { JobPage, SourcePage } from './SourceJobPages.tsx';

const TITLES: Record<RecoverStep, string> = {
  source: 'Source',
  job: 'Backup and passphrase',
  browse: 'Select items',
  destination: 'Destination',
  progress: 'Recovery Progress',
};

export function RecoverWizard() {
  const rec = useAppStore((s) => s.recoverData);
  const task = useAppStore((s) => (s.recoverData.taskId ? s.tasks[s.recoverData.taskId] : undefined));
  const go = useAppStore((s) => s.goRecoverStep);
  const loadJobs = useAppStore((s) => s.loadRecoverJobs);
  const unlock = useAppStore((s) => s.unlockRecoverJob);
  const reset = useAppStore((s) => s.resetRecover);
  const navigate = useAppStore((s) => s.navigate);
  const [advancing, setAdvancing] = useState(false);

  const running = !!task && !isFinished(task.status);
  const jobState = rec.jobs?.find((j) => j.jobName === rec.draft.jobName)?.state;
  const ctx = { supportedSources: SUPPORTED_RECOVER_SOURCES, ...(jobState ? { jobState } : {}) };
  const errors = Object.fromEntries(RECOVER_STEPS.map((s) => [s, validateRecoverStep(s, rec.draft, ctx)])) as Record<
    RecoverStep,
    Record<string, string | undefined>
  >;
  const ok = (s: RecoverStep) => Object.keys(errors[s]).length === 0;
  const canStart = ok('source') && ok('job') && ok('browse') && ok('destination') && !rec.taskId;
  const steps = RECOVER_STEPS.map((id) => ({
    id,
    title: TITLES[id],
    valid: id === 'destination' ? !!rec.taskId : id === 'progress' ? true : ok(id) && !(id === 'job' && rec.unlocking),
  }));
  const index = RECOVER_STEPS.indexOf(rec.step);

  const close = () => {
    if (!running) reset();
    navigate('console');
  };
  const next = async () => {
    if (rec.step === 'progress') return close();
    if (rec.step === 'source') {
      setAdvancing(true);
      await loadJobs();
      setAdvancing(false);
    }
    if (rec.step === 'job') {
      setAdvancing(true);
      const opened = await unlock();
      setAdvancing(false);
      if (!opened) return;
    }
    go(RECOVER_STEPS[index + 1]);
  };

  return (
    <div
      data-testid="rec-wizard"
      style={{ height: '100%', minHeight: 560 }}
      onKeyDown={(e) =>
        enterAdvances(e, !!steps[index]?.valid && !advancing && index < steps.length - 1, () => void next())
      }
    >
      <WizardFrame
        title="Recover Data"
        steps={steps}
        currentId={rec.step}
        reachedIndex={
          rec.taskId ? RECOVER_STEPS.length - 1 : Math.min(rec.reached, RECOVER_STEPS.indexOf('destination'))
        }
        onStepSelect={(id) => go(id as RecoverStep)}
        onBack={() => index > 0 && go(RECOVER_STEPS[index - 1])}
        onNext={() => void next()}
        onCancel={close}
        finished={!!rec.taskId}
        finishLabel="Close"
        busy={advancing}
      >
        {rec.step === 'source' && <SourcePage errors={errors.source} />}
        {rec.step === 'job' && <JobPage errors={errors.job} />}
        {rec.step === 'browse' && <BrowsePage errors={errors.browse} />}
        {rec.step === 'destination' && <DestinationPage errors={errors.destination} canStart={canStart} />}
        {rec.step === 'progress' && <RecoverProgressPage />}
      </WizardFrame>
    </div>
  );
}
