/**
 * Rehearsal only: in the Local sandbox cloud, the user plays the datacenter's part for a job — the prepared folder
 * disks arrive (Shipping → Received), then the data is copied (→ Completed, or Closed with errors). The job's states
 * then change through the normal refresh. Never shown for a real cloud.
 * data-testid: ij-rehearsal, ij-rehearsal-disk-<n>, ij-rehearsal-remove-<n>, ij-rehearsal-add, ij-rehearsal-receive,
 * ij-rehearsal-transfer, ij-rehearsal-reason, ij-rehearsal-result, ij-rehearsal-error, ij-rehearsal-start
 */
import { Badge, Button, Card, Text, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AuthStatus, CloudInfo, ImportJobInfo } from '../../../../shared/contract/azure.ts';
import type { SandboxStatusView } from '../../../../shared/contract/sandbox.ts';
import { api } from '../../api/client.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { pickFolder } from '../../components/pick-folder.ts';
import { useAppStore } from '../../store/index.ts';

/** The box is for jobs of the rehearsal cloud only: the current cloud must be a rehearsal one (and the sandbox's subscription). */
export function isRehearsalJob(
  job: Pick<ImportJobInfo, 'subscriptionId'>,
  auth: Pick<AuthStatus, 'cloud'> | null,
  clouds: Pick<CloudInfo, 'name' | 'rehearsal'>[],
  sandbox: SandboxStatusView | null,
): boolean {
  if (!auth || clouds.find((c) => c.name === auth.cloud)?.rehearsal !== true) return false;
  if (sandbox?.subscriptionId && sandbox.subscriptionId.toLowerCase() !== job.subscriptionId.toLowerCase())
    return false;
  return true;
}

export function RehearsalPanel({ job }: { job: ImportJobInfo }) {
  const { auth, clouds, sandbox, stagingLocation } = useAppStore(
    useShallow((s) => ({
      auth: s.auth,
      clouds: s.clouds,
      sandbox: s.sandbox,
      stagingLocation: s.settings?.lastStagingLocation,
    })),
  );
  const { loadSandbox, refresh, navigate } = useAppStore(
    useShallow((s) => ({ loadSandbox: s.loadSandbox, refresh: s.refreshImportJobs, navigate: s.navigate })),
  );
  const visible = isRehearsalJob(job, auth, clouds, sandbox);
  const [disks, setDisks] = useState<string[]>([]);
  const [busy, setBusy] = useState<'receive' | 'transfer' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<string | null>(null);
  useEffect(() => {
    if (visible && !sandbox) void loadSandbox();
  }, [visible, sandbox, loadSandbox]);
  // Prefill: the folder disks Disk Prep recorded for this job (same name) in the last staging location.
  useEffect(() => {
    if (!visible || !stagingLocation) return;
    let live = true;
    api.invoke('diskprep:status', { stagingLocation, job: job.name }).then(
      (st) =>
        live && setDisks((cur) => (cur.length ? cur : st.disks.filter((d) => d.kind === 'folder').map((d) => d.id))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [visible, stagingLocation, job.name]);
  if (!visible) return null;

  const running = sandbox?.running ?? false;
  const ref = { jobName: job.name, resourceGroup: job.resourceGroup, subscriptionId: job.subscriptionId };
  const canReceive = running && (job.state === 'Shipping' || job.state === 'Received') && disks.length > 0;
  const canTransfer = running && (job.state === 'Received' || job.state === 'Transferring');
  const reason = !running
    ? 'The Local sandbox is not running.'
    : job.state === 'Creating'
      ? 'Enter the carrier and tracking number first: that moves the job to Shipping, and then the disks can arrive.'
      : job.state === 'Shipping' && disks.length === 0
        ? 'Add the prepared rehearsal disk folders that were "shipped".'
        : ['Completed', 'Closed', 'Canceled', 'CompletedMoreInfo'].includes(job.state)
          ? `The job is ${job.state}: the datacenter's part is over.`
          : null;
  const step = async (kind: 'receive' | 'transfer') => {
    setBusy(kind);
    setError(null);
    setResult(null);
    try {
      const r =
        kind === 'receive'
          ? await api.invoke('sandbox:receiveDisks', { ...ref, disks })
          : await api.invoke('sandbox:transfer', ref);
      setResult(
        `Job ${r.jobName} is now ${r.state}${r.drives.length ? ` (${r.drives.map((d) => `${d.driveId}: ${d.state ?? '—'}${d.copyStatus ? `, ${d.copyStatus}` : ''}`).join('; ')})` : ''}.`,
      );
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const add = async () => {
    const p = await pickFolder({
      title: 'Choose a prepared rehearsal disk folder',
      ...(disks[0] ? { defaultPath: disks[0] } : {}),
    });
    if (p && !disks.includes(p)) setDisks([...disks, p]);
  };

  return (
    <Card
      data-testid="ij-rehearsal"
      role="region"
      aria-labelledby="ij-rehearsal-title"
      style={{ border: `2px dashed ${tokens.colorPaletteMarigoldBorder2}` }}
    >
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Text as="h4" id="ij-rehearsal-title" weight="semibold" style={{ margin: 0 }}>
          Rehearsal: play the datacenter
        </Text>
        <Badge appearance="tint" color="warning">
          Local sandbox only
        </Badge>
      </div>
      <Text size={200}>
        In a real cloud, Microsoft's datacenter receives your disks and copies them. In this rehearsal you do its part:
        say which prepared disk folders arrived, then have the data copied into the storage account. The job page then
        shows the states as usual.
      </Text>
      {!running && (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <Text>The Local sandbox is not running.</Text>
          <Button data-testid="ij-rehearsal-start" onClick={() => navigate('signIn')}>
            Start it on Sign in / out
          </Button>
        </div>
      )}
      <div style={{ display: 'grid', gap: 4 }}>
        <Text weight="semibold">Disks that arrive</Text>
        {disks.length === 0 && <Text size={200}>No disk folders chosen yet.</Text>}
        <ul style={{ margin: 0, paddingLeft: 16 }}>
          {disks.map((d, i) => (
            <li key={d} data-testid={`ij-rehearsal-disk-${i}`}>
              <code>{d}</code>{' '}
              <Button
                size="small"
                appearance="subtle"
                data-testid={`ij-rehearsal-remove-${i}`}
                onClick={() => setDisks(disks.filter((x) => x !== d))}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      </div>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        <Button data-testid="ij-rehearsal-add" disabled={busy !== null} onClick={() => void add()}>
          Add disk folder…
        </Button>
        <Button
          data-testid="ij-rehearsal-receive"
          appearance="primary"
          disabled={busy !== null || !canReceive}
          onClick={() => void step('receive')}
        >
          Disks arrive
        </Button>
        <Button
          data-testid="ij-rehearsal-transfer"
          appearance="primary"
          disabled={busy !== null || !canTransfer}
          onClick={() => void step('transfer')}
        >
          Copy the data
        </Button>
      </div>
      {reason && (
        <Text size={200} data-testid="ij-rehearsal-reason">
          {reason}
        </Text>
      )}
      {result && <Text data-testid="ij-rehearsal-result">{result}</Text>}
      <ErrorBar error={error} title="The rehearsal datacenter refused" testId="ij-rehearsal-error" />
    </Card>
  );
}
