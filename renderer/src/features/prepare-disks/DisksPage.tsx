/**
 * Step 2: choose the disks. The table, capacity needed vs selected, a rehearsal folder disk for the sandbox, and
 * the backup passphrase that seals the BitLocker keys in drives.json.
 * data-testid: dp-disks-refresh, dp-capacity, dp-capacity-text, dp-add-rehearsal, dp-rehearsal-serial,
 * dp-rehearsal-capacity, dp-rehearsal-create, dp-passphrase, dp-disks-note, dp-plan-error; the BitLocker key dialog:
 * see BitLockerKeyDialog.tsx
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  ProgressBar,
  Spinner,
  Text,
} from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular } from '@fluentui/react-icons';
import { type FormEvent, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { errorMessage } from '../../api/client.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import type { DiskInfo } from '../../../../shared/contract/diskprep.ts';
import { BitLockerKeyDialog } from './BitLockerKeyDialog.tsx';
import { DisksTable } from './DisksTable.tsx';
import { capacitySummary, capacityText, disksSmallerThanAPack, MAX_DISKS } from './disk-rules.ts';

export function RehearsalDiskForm({ onCreated }: { onCreated?: (disk: DiskInfo) => void }) {
  const add = useAppStore((s) => s.addRehearsalDisk);
  const [open, setOpen] = useState(false);
  const [serial, setSerial] = useState('');
  const [capacity, setCapacity] = useState('256M');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const serialOk = /^[A-Za-z0-9_-]{1,64}$/.test(serial);
  if (!open)
    return (
      <div>
        <Button data-testid="dp-add-rehearsal" icon={<AddRegular />} onClick={() => setOpen(true)}>
          Add a rehearsal folder disk
        </Button>
      </div>
    );
  // Never rejects: a failure is shown in the form's error bar. The form's submit event fires and forgets it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const disk = await add(serial, capacity, !onCreated);
      onCreated?.(disk);
      setSerial('');
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 8, maxWidth: 720 }}
      onSubmit={(e) => void submit(e)}
    >
      <Text size={200}>
        A rehearsal disk is a folder with a declared serial and capacity. It works with the Local sandbox cloud; it
        cannot be shipped.
      </Text>
      <div style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}>
        <Field
          label="Serial"
          validationMessage={(serial && !serialOk ? 'Letters, digits, - and _ only (1–64).' : undefined) ?? null}
        >
          <Input
            data-testid="dp-rehearsal-serial"
            value={serial}
            onChange={(_, d) => setSerial(d.value)}
            placeholder="REHEARSAL-01"
          />
        </Field>
        <Field label="Capacity" hint="e.g. 256M, 2G">
          <Input data-testid="dp-rehearsal-capacity" value={capacity} onChange={(_, d) => setCapacity(d.value)} />
        </Field>
        <Button
          data-testid="dp-rehearsal-create"
          type="submit"
          appearance="primary"
          disabled={!serialOk || !capacity.trim() || busy}
        >
          Create
        </Button>
        <Button onClick={() => setOpen(false)}>Close</Button>
      </div>
      <ErrorBar error={error} title="The rehearsal disk could not be created" testId="dp-rehearsal-error" />
    </form>
  );
}

export function DisksPage() {
  const {
    disks,
    disksLoading,
    disksError,
    selected,
    plan,
    planError,
    passphrase,
    job,
    jobs,
    bitLockerKeys,
    passphraseError,
  } = useAppStore(
    useShallow((s) => ({
      disks: s.diskPrep.disks,
      disksLoading: s.diskPrep.disksLoading,
      disksError: s.diskPrep.disksError,
      selected: s.diskPrep.selected,
      plan: s.diskPrep.plan,
      planError: s.diskPrep.planError,
      passphrase: s.diskPrep.passphrase,
      job: s.diskPrep.job,
      jobs: s.diskPrep.jobs,
      bitLockerKeys: s.diskPrep.bitLockerKeys,
      passphraseError: s.diskPrep.passphraseError,
    })),
  );
  const load = useAppStore((s) => s.loadDisks);
  const toggle = useAppStore((s) => s.toggleDisk);
  const setPassphrase = useAppStore((s) => s.setDiskPrepPassphrase);
  const setKey = useAppStore((s) => s.setDiskBitLockerKey);
  const [keyFor, setKeyFor] = useState<string | null>(null);
  const keyDisk = disks?.disks.find((d) => d.id === keyFor) ?? null;
  useEffect(() => {
    if (!disks && !disksLoading) void load();
  }, [disks, disksLoading, load]);
  const staged = jobs?.jobs.find((j) => j.jobName === job);
  const chosen = (disks?.disks ?? []).filter((d) => selected.includes(d.id));
  const needed = plan?.totalBytes ?? staged?.bytes ?? 0;
  const cap = capacitySummary(chosen, needed, plan ? plan.fits : undefined);
  const capText = capacityText(chosen.length, cap.selectedBytes, plan, needed, formatBytes);
  const small = disksSmallerThanAPack(plan);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16 }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <Text weight="semibold">Disks for {job}</Text>
        <Button
          data-testid="dp-disks-refresh"
          size="small"
          icon={<ArrowClockwiseRegular />}
          onClick={() => void load()}
          disabled={disksLoading}
        >
          Refresh
        </Button>
        {disksLoading && <Spinner size="tiny" label="Looking for disks…" />}
      </div>
      {disks?.note && (
        <MessageBarGroup>
          <MessageBar intent="info" data-testid="dp-disks-note">
            <MessageBarBody>{disks.note}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <ErrorBar
        error={disksError}
        title="Disks could not be listed"
        onRetry={() => void load()}
        testId="dp-disks-error"
      />
      {disks && (
        <DisksTable
          disks={disks.disks}
          selected={selected}
          onToggle={toggle}
          bitLockerKeys={bitLockerKeys}
          onBitLockerKey={setKeyFor}
        />
      )}
      <BitLockerKeyDialog
        job={job}
        disk={keyDisk}
        {...(keyFor && bitLockerKeys[keyFor] ? { currentKey: bitLockerKeys[keyFor] } : {})}
        onAccept={(key) => {
          if (keyFor) setKey(keyFor, key);
          setKeyFor(null);
        }}
        onRemove={() => {
          if (keyFor) setKey(keyFor, null);
          setKeyFor(null);
        }}
        onClose={() => setKeyFor(null)}
      />
      <RehearsalDiskForm />
      <Field
        label="Capacity needed vs selected"
        validationState={cap.fits ? 'success' : 'none'}
        validationMessage={<span data-testid="dp-capacity-text">{capText}</span>}
      >
        <ProgressBar
          data-testid="dp-capacity"
          thickness="large"
          value={cap.percent}
          max={100}
          color={cap.fits ? 'success' : chosen.length ? 'warning' : 'brand'}
          aria-valuetext={capText}
        />
      </Field>
      {small.length > 0 && (
        <MessageBarGroup>
          <MessageBar intent="warning" layout="multiline" data-testid="dp-small-disk">
            <MessageBarBody>
              <MessageBarTitle>
                {small.length === 1 ? 'A disk is smaller than one pack' : 'Disks smaller than one pack'}
              </MessageBarTitle>
              {`${small.map((d) => `${d.serial} (${formatBytes(d.capacityBytes)})`).join(', ')} ${small.length === 1 ? 'is' : 'are'} smaller than one pack of this backup (${formatBytes(plan?.largestFileBytes ?? 0)}): ${small.length === 1 ? 'it' : 'each'} would hold no pack, only the catalog or nothing. Choose disks of at least ${formatBytes((plan?.largestFileBytes ?? 0) + 1024 * 1024, true)}.`}
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {cap.tooMany && (
        <ErrorBar
          error={`One import job holds at most ${MAX_DISKS} disks; you chose ${chosen.length}.`}
          testId="dp-too-many"
        />
      )}
      {plan?.tooManyDisks && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-split">
            <MessageBarBody>
              <MessageBarTitle>More than {MAX_DISKS} disks would be needed</MessageBarTitle>
              Split the staged data into {plan.split.length} import jobs:{' '}
              {plan.split.map((p) => `part ${p.part}: ${p.disks} disks, ${formatBytes(p.bytes)}`).join('; ')}.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <ErrorBar error={planError} title="The copy could not be planned" testId="dp-plan-error" />
      <Field
        label="Backup passphrase"
        required
        {...(passphraseError
          ? {
              validationMessage: <span data-testid="dp-passphrase-error">{errorMessage(passphraseError)}</span>,
              validationState: 'error' as const,
            }
          : {
              hint: "The passphrase of this backup, checked before any disk is erased. It seals the disks' BitLocker keys in drives.json next to the staging folder.",
            })}
      >
        <Input
          data-testid="dp-passphrase"
          type="password"
          value={passphrase}
          onChange={(_, d) => setPassphrase(d.value)}
          autoComplete="off"
        />
      </Field>
    </div>
  );
}
