/**
 * Step 5: where the job goes (storage account, resource group, region, datacenter) and the shipping details;
 * "Create import job" validates every field, creates the job with the prepared drives and remembers the details.
 * data-testid: dp-target, dp-job-type, dp-create-job, dp-create-error, dp-target-error
 */
import {
  Button,
  Dropdown,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarGroup,
  Option,
  Spinner,
  Text,
} from '@fluentui/react-components';
import { useShallow } from 'zustand/react/shallow';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { SignInPanel } from '../../components/SignInPanel.tsx';
import { ShippingForm } from './ShippingForm.tsx';
import { validateShipping } from '../../../../shared/shipping-draft.ts';
import { JOB_TYPE_CHOICES } from '../../../../shared/import-jobs.ts';

export function ShippingPage() {
  const {
    shipping,
    showAll,
    target,
    targetError,
    targetLoading,
    creating,
    createError,
    drives,
    auth,
    registering,
    jobBackend,
  } = useAppStore(
    useShallow((s) => ({
      shipping: s.diskPrep.shipping,
      showAll: s.diskPrep.shippingShowAll,
      target: s.diskPrep.target,
      targetError: s.diskPrep.targetError,
      targetLoading: s.diskPrep.targetLoading,
      creating: s.diskPrep.creating,
      createError: s.diskPrep.createError,
      drives: s.diskPrep.drives,
      auth: s.auth,
      registering: s.diskPrep.registering,
      jobBackend: s.diskPrep.jobBackend,
    })),
  );
  const update = useAppStore((s) => s.updateShipping);
  const create = useAppStore((s) => s.createImportJob);
  const reload = useAppStore((s) => s.openShipping);
  const register = useAppStore((s) => s.registerDiskPrepProvider);
  const setBackend = useAppStore((s) => s.setDiskPrepJobBackend);
  const jobType = JOB_TYPE_CHOICES.find((c) => c.backend === jobBackend) ?? JOB_TYPE_CHOICES[0];
  const carriers = target?.location?.supportedCarriers ?? [];
  const problems = Object.keys(validateShipping(shipping, carriers)).length;
  const needsSignIn = (targetError as { code?: string } | null)?.code === 'SIGNIN_REQUIRED' || (auth && !auth.signedIn);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16 }}>
      {targetLoading && <Spinner size="tiny" label="Finding the storage account and the datacenter…" />}
      {needsSignIn && (
        <SignInPanel prefix="dp-shipping" statusId="dp-shipping-status" onSignedIn={() => void reload()} />
      )}
      <ErrorBar
        error={targetError}
        title="Where should the job go?"
        onRetry={() => void reload()}
        testId="dp-target-error"
      />
      {target && (
        <Field label="Import job">
          <Text data-testid="dp-target">
            Storage account <strong>{target.storageAccount}</strong> in resource group{' '}
            <strong>{target.resourceGroup}</strong> (subscription {target.subscriptionName}), region{' '}
            <strong>{target.locationName}</strong>
            {target.location
              ? `, datacenter ${target.location.name}`
              : ' — no Import/Export datacenter serves this region'}
            .
            {drives &&
              ` ${drives.drives.length} prepared disk(s), ${formatBytes(drives.drives.reduce((s, d) => s + d.bytes, 0))}.`}
          </Text>
        </Field>
      )}
      <Field
        label="Job type"
        hint={
          jobBackend === 'DataBox'
            ? 'Microsoft.DataBox customer-disk job (job names of at most 24 characters).'
            : 'Microsoft.ImportExport job, the classic import of your own disks.'
        }
      >
        <Dropdown
          data-testid="dp-job-type"
          value={jobType.label}
          selectedOptions={[jobBackend]}
          disabled={creating || targetLoading}
          onOptionSelect={(_, d) => d.optionValue && void setBackend(d.optionValue as typeof jobBackend)}
          style={{ maxWidth: 360 }}
        >
          {JOB_TYPE_CHOICES.map((c) => (
            <Option key={c.backend} value={c.backend}>
              {c.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {target && !target.providerRegistered && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-provider">
            <MessageBarBody>
              The resource provider {target.providerNamespace} is {target.providerState} on subscription{' '}
              {target.subscriptionName}; {jobType.short} jobs cannot be created until it is registered.
            </MessageBarBody>
            <MessageBarActions>
              <Button data-testid="dp-provider-register" disabled={registering} onClick={() => void register()}>
                {registering ? 'Registering…' : 'Register'}
              </Button>
            </MessageBarActions>
          </MessageBar>
        </MessageBarGroup>
      )}
      <ShippingForm value={shipping} onChange={update} carriers={carriers} showAll={showAll} disabled={creating} />
      {showAll && problems > 0 && (
        <MessageBarGroup>
          <MessageBar intent="error" data-testid="dp-shipping-invalid">
            <MessageBarBody>
              {problems} field{problems > 1 ? 's need' : ' needs'} attention before the job can be created.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <ErrorBar
        error={createError}
        title="The import job was not created"
        onRetry={() => void create()}
        testId="dp-create-error"
      />
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <Button
          data-testid="dp-create-job"
          appearance="primary"
          disabled={creating || !target || !target.providerRegistered}
          onClick={() => void create()}
        >
          Create import job
        </Button>
        {creating && <Spinner size="tiny" label="Creating the import job…" />}
        <Text size={200}>The details are remembered for the next job on this machine.</Text>
      </div>
    </div>
  );
}
