/**
 * Page 9: Confirmation — everything on one page; each section has an Edit button that jumps back to its page.
 * data-testid: sb-confirm, sb-confirm-<step>, sb-edit-<step>
 */
import { Button, Text } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeRetention, recoveryPoints } from '../../../../shared/retention-rules.ts';
import { STEP_TITLES, type WizardStep } from '../../../../shared/policy-steps.ts';
import { wizardSteps } from '../../store/slices/schedule-backup.ts';
import { nextRuns } from '../../../../shared/schedule.ts';
import { formatDateTime } from '../../components/format.ts';
import { JOB_BACKEND_NAMESPACE } from '../../../../shared/contract/azure.ts';
import { jobTypeLabel } from '../../../../shared/import-jobs.ts';
import { jobBackendOfPolicy } from '../../../../shared/policy.ts';
import { useAppStore } from '../../store/index.ts';

const TYPE = {
  online: 'Automatically over the network',
  ownDisks: 'Transfer using my own disks',
  dataBox: 'Transfer using Microsoft Azure Data Box disks',
};

export function ConfirmPage() {
  const { d, auth, containers, app, view } = useAppStore(
    useShallow((s) => ({
      d: s.scheduleBackup.data,
      auth: s.auth,
      containers: s.scheduleBackup.containers,
      app: s.scheduleBackup.entraApp,
      view: s.scheduleBackup.view,
    })),
  );
  const go = useAppStore((s) => s.goWizardStep);
  const steps = wizardSteps({ data: d, view });
  const section = (step: WizardStep, body: ReactNode) =>
    steps.includes(step) && (
      <section
        data-testid={`sb-confirm-${step}`}
        style={{ display: 'grid', gap: 2, paddingBottom: 8, borderBottom: '1px solid #8884' }}
      >
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Text weight="semibold">{STEP_TITLES[step]}</Text>
          <Button
            size="small"
            data-testid={`sb-edit-${step}`}
            onClick={() => go(step)}
            aria-label={`Edit ${STEP_TITLES[step]}`}
          >
            Edit
          </Button>
        </div>
        {body}
      </section>
    );
  const s = d.schedule;
  const od = d.ownDisk;
  const containerState = containers.some((c) => c.name === od.container) ? 'exists' : 'will be created';
  return (
    <div
      data-testid="sb-confirm"
      style={{ display: 'grid', gap: 10, maxWidth: 760, gridTemplateColumns: 'minmax(0, 1fr)' }}
    >
      <Text as="h3" size={500} weight="semibold">
        Confirmation
      </Text>
      <Text>
        Check the settings below. Press Finish to save the policy
        {d.initialType === 'ownDisks' ? ', create the container and set up the Entra application' : ''}.
      </Text>
      {section(
        'items',
        <>
          {d.items.map((i) => (
            <Text key={i.path}>
              {i.kind}: {i.path}
            </Text>
          ))}
          <Text size={200}>
            Excluded:{' '}
            {d.exclusions.folders
              .map((f) => `${f.path}${f.subfolders ? ' (and subfolders)' : ''}`)
              .concat(
                d.exclusions.fileTypes.map(
                  (r) => `${r.pattern} in ${r.folder}${r.subfolders ? ' (and subfolders)' : ''}`,
                ),
              )
              .concat(d.exclusions.patterns)
              .join(', ') || 'nothing'}
          </Text>
        </>,
      )}
      {section(
        'schedule',
        <>
          <Text>
            {s.frequency === 'daily'
              ? 'Every day'
              : `Every ${s.everyWeeks === 1 ? '' : `${s.everyWeeks} weeks on `}${s.days.join(', ')}`}{' '}
            at {s.times.join(', ')} ({s.timeZone})
          </Text>
          <Text size={200}>
            Next:{' '}
            {nextRuns(s, Date.now(), 3)
              .map((r) => formatDateTime(r, s.timeZone))
              .join('; ')}
          </Text>
        </>,
      )}
      {section(
        'retention',
        <>
          {describeRetention(d.retention).map((line) => (
            <Text key={line}>{line}</Text>
          ))}
          <Text size={200}>Up to {recoveryPoints(d.retention, s).toLocaleString('en-US')} recovery points.</Text>
        </>,
      )}
      {section('initialType', <Text>{TYPE[d.initialType]}</Text>)}
      {section(
        'ownDisk',
        <>
          <Text>Staging location: {od.stagingLocation}</Text>
          <Text>Subscription: {od.subscriptionId}</Text>
          <Text>
            Storage account: {od.storageAccount} (resource group {od.storageAccountResourceGroup})
          </Text>
          <Text>
            Container: {od.container} ({containerState})
          </Text>
          <Text>
            Import job: {od.importJobName} (resource group {od.jobResourceGroup}),{' '}
            {jobTypeLabel(jobBackendOfPolicy(od))} job
          </Text>
        </>,
      )}
      {section(
        'signIn',
        <Text>
          {auth?.account ? `Signed in as ${auth.account.username}` : 'Signed in'};{' '}
          {JOB_BACKEND_NAMESPACE[jobBackendOfPolicy(od)]} registered; Entra application{' '}
          {app ? `${app.displayName} ready` : 'set up when you finish'}.
        </Text>,
      )}
      {section(
        'passphrase',
        <Text>
          {d.passphraseRequired
            ? `A passphrase of ${d.passphrase.length} characters is set and was saved or copied.`
            : 'The passphrase already kept on this machine is used.'}
        </Text>,
      )}
    </div>
  );
}
