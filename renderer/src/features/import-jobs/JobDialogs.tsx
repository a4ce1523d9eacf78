/**
 * Dialogs of the job details: tracking (carrier, tracking number unique across jobs, drive count, ship date),
 * return address/shipping (the shipping form), and a confirmation for cancel/delete.
 * data-testid: ij-tracking-dialog, ij-track-carrier, ij-track-number, ij-track-count, ij-track-date, ij-track-save,
 * ij-track-<field>-error, ij-return-dialog, ij-return-save, <testId>-confirm, <testId>-close
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  Option,
  Text,
  tokens,
} from '@fluentui/react-components';
import { FormDialog } from '../../components/FormDialog.tsx';
import { useEffect, useState } from 'react';
import type { ImportJobInfo } from '../../../../shared/contract/azure.ts';
import { trackingNumberOwner } from '../../../../shared/import-jobs.ts';
import { checkTrackingNumber, normalizeTrackingNumber } from '../../../../shared/validators/azure-names.ts';
import { checkDriveCount, checkShipDate } from '../../../../shared/validators/shipping.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { useAppStore } from '../../store/index.ts';
import { locationFor } from '../../store/slices/job-target.ts';
import { localToday } from '../../store/slices/back-up-now.ts';
import { ShippingForm } from '../shipping/ShippingForm.tsx';
import {
  toReturnAddress,
  toReturnShipping,
  validateShipping,
  type ShippingDraft,
} from '../../../../shared/shipping-draft.ts';

/** The local calendar day (YYYY-MM-DD) of an ISO time: the day the job was created, as the user's calendar shows it. */
const localDay = (iso: string) => localToday(new Date(iso));

function useCarriers(job: ImportJobInfo): string[] {
  const locations = useAppStore((s) => s.importJobs.locations);
  const load = useAppStore((s) => s.loadJobLocations);
  useEffect(() => {
    void load();
  }, [load]);
  const listed = locationFor(job.location, locations)?.supportedCarriers ?? [];
  const own = [job.returnShipping?.carrierName, job.deliveryPackage?.carrierName].filter((x): x is string => !!x);
  return listed.length ? listed : [...new Set(own)];
}

export function TrackingDialog({ job, open, onClose }: { job: ImportJobInfo; open: boolean; onClose: () => void }) {
  const carriers = useCarriers(job);
  const jobs = useAppStore((s) => s.importJobs.jobs);
  const busy = useAppStore((s) => s.importJobs.busy === 'tracking');
  const error = useAppStore((s) => (s.importJobs.busy === null ? s.importJobs.actionError : null));
  const submit = useAppStore((s) => s.submitTracking);
  const clearError = useAppStore((s) => s.clearJobActionError);
  const [carrier, setCarrierValue] = useState('');
  const [number, setNumberValue] = useState('');
  const [count, setCountValue] = useState('');
  const [date, setDateValue] = useState('');
  // Azure's answer to the last Save is about the values then: it goes as soon as a field changes.
  const edited =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      clearError();
    };
  const [setCarrier, setNumber, setCount, setDate] = [
    edited(setCarrierValue),
    edited(setNumberValue),
    edited(setCountValue),
    edited(setDateValue),
  ];
  const [tried, setTried] = useState(false);
  // Filled from the job when the dialog opens; a refresh of the job list while it is open does not undo the typing.
  const [openedFor, setOpenedFor] = useState<string | null>(null);
  if (open && openedFor !== job.name) {
    setOpenedFor(job.name);
    setCarrierValue(job.deliveryPackage?.carrierName ?? job.returnShipping?.carrierName ?? '');
    setNumberValue(job.deliveryPackage?.trackingNumber ?? '');
    setCountValue(String(job.deliveryPackage?.driveCount ?? job.drives.length));
    setDateValue(job.deliveryPackage?.shipDate?.slice(0, 10) ?? localToday());
    setTried(false);
  }
  if (!open && openedFor !== null) setOpenedFor(null);
  const owner = trackingNumberOwner(number, jobs, job.name);
  const errors = {
    carrier: carrier ? null : 'Carrier is required.',
    number: !number.trim()
      ? 'Tracking number is required.'
      : (checkTrackingNumber(normalizeTrackingNumber(number)) ??
        (owner
          ? `Tracking number already used by job ${owner}; each job needs its own package and tracking number.`
          : null)),
    count: !count.trim()
      ? 'Number of disks is required.'
      : (checkDriveCount(Number(count)) ??
        (Number(count) !== job.drives.length
          ? `This job has ${job.drives.length} drive(s); ship all of them in this one package.`
          : null)),
    date: checkShipDate(date, new Date(), job.createdAt ? localDay(job.createdAt) : undefined),
  };
  const ok = Object.values(errors).every((e) => !e);
  const LABELS = {
    carrier: 'carrier',
    number: 'tracking number',
    count: 'number of disks',
    date: 'ship date',
  } as const;
  const missing = (Object.keys(errors) as (keyof typeof errors)[]).filter((k) => errors[k]).map((k) => LABELS[k]);
  const msg = (k: keyof typeof errors, id: string) =>
    tried && errors[k] ? { validationMessage: <span data-testid={`ij-track-${id}-error`}>{errors[k]}</span> } : {};
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      testId="ij-tracking-dialog"
      title={<>Tracking for {job.name}</>}
      fields
      onSubmit={async () => {
        setTried(true);
        if (!ok) return;
        if (
          await submit({
            carrierName: carrier,
            trackingNumber: normalizeTrackingNumber(number),
            driveCount: Number(count),
            shipDate: date,
          })
        )
          onClose();
      }}
      actions={
        <>
          <Button data-testid="ij-track-save" type="submit" appearance="primary" disabled={busy}>
            Save tracking
          </Button>
          <Button onClick={onClose}>Close</Button>
        </>
      }
    >
      <Text>
        Saving sets the job to Shipping. All {job.drives.length} disk(s) go in one package with this tracking number.
      </Text>
      <Field label="Carrier" required {...msg('carrier', 'carrier')}>
        <Dropdown
          data-testid="ij-track-carrier"
          value={carrier}
          selectedOptions={carrier ? [carrier] : []}
          onOptionSelect={(_, d) => setCarrier(d.optionValue ?? '')}
          placeholder="Choose the carrier"
        >
          {carriers.map((c) => (
            <Option key={c} value={c}>
              {c}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Tracking number" required {...msg('number', 'number')}>
        <Input
          data-testid="ij-track-number"
          value={number}
          onChange={(_, d) => setNumber(d.value)}
          autoComplete="off"
        />
      </Field>
      <Field label="Number of disks in the package" required {...msg('count', 'count')}>
        <Input data-testid="ij-track-count" type="number" value={count} onChange={(_, d) => setCount(d.value)} />
      </Field>
      <Field label="Ship date" required {...msg('date', 'date')}>
        <Input data-testid="ij-track-date" type="date" value={date} onChange={(_, d) => setDate(d.value)} />
      </Field>
      {tried && missing.length > 0 && (
        <Text data-testid="ij-track-missing" role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
          Nothing was saved: check the {missing.join(', ')}.
        </Text>
      )}
      <ErrorBar error={tried ? error : null} title="Tracking was not saved" testId="ij-track-error" />
    </FormDialog>
  );
}

const draftFromJob = (job: ImportJobInfo): ShippingDraft => ({
  contactName: job.returnAddress?.recipientName ?? '',
  phone: job.returnAddress?.phone ?? '',
  email: job.returnAddress?.email ?? '',
  streetAddress1: job.returnAddress?.streetAddress1 ?? '',
  streetAddress2: job.returnAddress?.streetAddress2 ?? '',
  city: job.returnAddress?.city ?? '',
  stateOrProvince: job.returnAddress?.stateOrProvince ?? '',
  postalCode: job.returnAddress?.postalCode ?? '',
  countryOrRegion: job.returnAddress?.countryOrRegion ?? '',
  carrierName: job.returnShipping?.carrierName ?? '',
  carrierAccountNumber: job.returnShipping?.carrierAccountNumber ?? '',
});

export function ReturnDialog({ job, open, onClose }: { job: ImportJobInfo; open: boolean; onClose: () => void }) {
  const carriers = useCarriers(job);
  const busy = useAppStore((s) => s.importJobs.busy === 'return');
  const error = useAppStore((s) => (s.importJobs.busy === null ? s.importJobs.actionError : null));
  const submit = useAppStore((s) => s.submitReturn);
  const [draft, setDraft] = useState<ShippingDraft>(() => draftFromJob(job));
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (open) {
      setDraft(draftFromJob(job));
      setTried(false);
    }
  }, [open, job]);
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      testId="ij-return-dialog"
      title={<>Return address and shipping for {job.name}</>}
      fields
      surfaceStyle={{ maxWidth: 920 }}
      onSubmit={async () => {
        setTried(true);
        if (Object.keys(validateShipping(draft, carriers)).length) return;
        if (await submit({ returnAddress: toReturnAddress(draft), returnShipping: toReturnShipping(draft) })) onClose();
      }}
      actions={
        <>
          <Button data-testid="ij-return-save" type="submit" appearance="primary" disabled={busy}>
            Save
          </Button>
          <Button onClick={onClose}>Close</Button>
        </>
      }
    >
      <ShippingForm
        value={draft}
        onChange={(p) => setDraft((d) => ({ ...d, ...p }))}
        carriers={carriers}
        showAll={tried}
        disabled={busy}
      />
      <ErrorBar error={tried ? error : null} title="The return details were not saved" testId="ij-return-error" />
    </FormDialog>
  );
}

export function ConfirmDialog(p: {
  open: boolean;
  testId: string;
  title: string;
  text: string;
  confirmLabel: string;
  /** Reports its own failure (the import-jobs slice records it as actionError) and never rejects. */
  onConfirm: () => Promise<boolean>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await p.onConfirm();
    } finally {
      setBusy(false);
    }
    p.onClose();
  };
  return (
    <Dialog modalType="alert" open={p.open} onOpenChange={(_, d) => !d.open && p.onClose()}>
      <DialogSurface data-testid={p.testId}>
        <DialogBody>
          <DialogTitle>{p.title}</DialogTitle>
          <DialogContent>{p.text}</DialogContent>
          <DialogActions>
            <Button
              data-testid={`${p.testId}-confirm`}
              appearance="primary"
              disabled={busy}
              onClick={() => void confirm()}
            >
              {p.confirmLabel}
            </Button>
            <Button data-testid={`${p.testId}-close`} onClick={p.onClose}>
              Keep the job
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
