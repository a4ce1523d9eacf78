/**
 * Step 6: what was prepared and where to send it. Disks (serial, size, manifest hash; BitLocker keys only after
 * "Show" with a warning), the job (account, resource group, region, name, state), the datacenter address with a
 * copy button, the carriers, the shipping rules, and a printable summary without secrets.
 * data-testid: dp-result, dp-result-job, dp-result-disk-<serial>, dp-show-keys, dp-keys-warning, dp-key-<serial>,
 * dp-shipto, dp-copy-address, dp-carriers, dp-rules, dp-print, dp-download-summary, dp-track-job, dp-start-over
 */
import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { CopyRegular, EyeRegular, PrintRegular, ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ImportJobAddress } from '../../../../shared/contract/azure.ts';
import { formatBytes } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { PRINT_CSS, PrintSummary, SHIPPING_RULES, summaryDocument } from './PrintSummary.tsx';
import { addressLines } from '../../../../shared/import-jobs.ts';

export function ShippingResult() {
  const { created, existing, drives, keys, target, shipping } = useAppStore(
    useShallow((s) => ({
      created: s.diskPrep.created,
      existing: s.diskPrep.createdExisting,
      drives: s.diskPrep.drives,
      keys: s.diskPrep.keys,
      target: s.diskPrep.target,
      shipping: s.diskPrep.shipping,
    })),
  );
  const revealKeys = useAppStore((s) => s.revealDiskPrepKeys);
  const [keysError, setKeysError] = useState<string | null>(null);
  const navigate = useAppStore((s) => s.navigate);
  const selectJob = useAppStore((s) => s.selectImportJob);
  const reset = useAppStore((s) => s.resetDiskPrep);
  const [showKeys, setShowKeys] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  if (!created) return null;
  const loc = target?.location;
  const shipTo: ImportJobAddress | undefined =
    created.shipTo ??
    (loc
      ? {
          recipientName: loc.recipientName,
          streetAddress1: loc.streetAddress1,
          streetAddress2: loc.streetAddress2,
          city: loc.city,
          stateOrProvince: loc.stateOrProvince,
          postalCode: loc.postalCode,
          countryOrRegion: loc.countryOrRegion,
          phone: loc.phone,
        }
      : undefined);
  const lines = addressLines(shipTo);
  const carriers = loc?.supportedCarriers ?? [];
  const diskRows = (drives?.drives ?? []).map((d) => ({
    ...d,
    key: keys?.find((k) => k.driveId === d.driveId)?.bitLockerKey,
  }));
  const copyAddress = async () => {
    try {
      await navigator.clipboard.writeText(lines.join('\n'));
      setCopied('Address copied.');
    } catch {
      setCopied('Copying is not allowed here; select the address and copy it.');
    }
  };
  const download = () => {
    const html = document.getElementById('obc-print-summary')?.outerHTML ?? '';
    const url = URL.createObjectURL(new Blob([summaryDocument(html, created.name)], { type: 'text/html' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `shipping-summary-${created.name}.html`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div
      data-testid="dp-result"
      style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16, maxWidth: 980 }}
    >
      <style>{PRINT_CSS}</style>
      <MessageBarGroup>
        <MessageBar intent="success" data-testid="dp-result-job" data-state={created.state}>
          <MessageBarBody>
            <MessageBarTitle>
              {existing
                ? `Import job ${created.name} already exists with these disks`
                : `Import job ${created.name} created`}
            </MessageBarTitle>
            State {created.state}. Storage account {target?.storageAccount}, resource group {created.resourceGroup},
            region {created.location}.
          </MessageBarBody>
        </MessageBar>
      </MessageBarGroup>
      <Field label="Prepared disks">
        <Table size="small" aria-label="Prepared disks">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Serial (drive id)</TableHeaderCell>
              <TableHeaderCell>Size</TableHeaderCell>
              <TableHeaderCell>Manifest hash (MD5)</TableHeaderCell>
              <TableHeaderCell>BitLocker key</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {diskRows.map((d) => (
              <TableRow key={d.driveId} data-testid={`dp-result-disk-${d.driveId}`}>
                <TableCell>
                  {d.driveId}
                  {d.rehearsal ? ' (rehearsal disk)' : ''}
                </TableCell>
                <TableCell>{formatBytes(d.bytes)}</TableCell>
                <TableCell style={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>{d.manifestHash}</TableCell>
                <TableCell data-testid={`dp-key-${d.driveId}`} style={{ fontFamily: 'monospace' }}>
                  {showKeys ? (d.key ?? 'not available in this session') : '••••••'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Field>
      <div>
        <Button
          data-testid="dp-show-keys"
          icon={<EyeRegular />}
          onClick={() => {
            if (showKeys || keys) return setShowKeys((v) => !v);
            setKeysError(null);
            revealKeys().then(
              () => setShowKeys(true),
              (err: unknown) =>
                setKeysError(`The keys could not be opened: ${err instanceof Error ? err.message : String(err)}`),
            );
          }}
        >
          {showKeys ? 'Hide BitLocker keys' : 'Show BitLocker keys'}
        </Button>
      </div>
      {keysError && (
        <MessageBarGroup>
          <MessageBar intent="error" data-testid="dp-keys-error">
            <MessageBarBody>{keysError}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      {showKeys && (
        <MessageBarGroup>
          <MessageBar intent="warning" data-testid="dp-keys-warning">
            <MessageBarBody>
              Anyone with these keys can read the disks. Do not print them, e-mail them or put them in the package;
              Azure already has them for this job, and drives.json keeps them sealed with the backup passphrase.
            </MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <Field label="Ship the disks to (Azure datacenter)">
        <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
          <address data-testid="dp-shipto" style={{ fontStyle: 'normal', whiteSpace: 'pre-line' }}>
            {lines.length
              ? lines.join('\n')
              : 'The datacenter address is not available yet; see the job in Import Jobs.'}
          </address>
          <Button
            data-testid="dp-copy-address"
            size="small"
            icon={<CopyRegular />}
            disabled={!lines.length}
            onClick={() => void copyAddress()}
          >
            Copy address
          </Button>
          {copied && <Text size={200}>{copied}</Text>}
        </div>
      </Field>
      <Field label="Supported carriers">
        <Text data-testid="dp-carriers">{carriers.join(', ') || '—'}</Text>
      </Field>
      <Field label="Shipping rules">
        <ul data-testid="dp-rules" style={{ margin: 0 }}>
          {SHIPPING_RULES.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </Field>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Button data-testid="dp-print" icon={<PrintRegular />} onClick={() => window.print()}>
          Print shipping summary
        </Button>
        <Button data-testid="dp-download-summary" icon={<ArrowDownloadRegular />} onClick={download}>
          Download summary (HTML)
        </Button>
        <Button
          data-testid="dp-track-job"
          appearance="primary"
          onClick={() => {
            selectJob({
              subscriptionId: created.subscriptionId,
              resourceGroup: created.resourceGroup,
              jobName: created.name,
              backend: created.backend,
            });
            navigate('importJobs');
          }}
        >
          Enter tracking in Import Jobs
        </Button>
        <Button data-testid="dp-start-over" onClick={reset}>
          Prepare another job
        </Button>
      </div>
      <PrintSummary
        formatSize={formatBytes}
        data={{
          job: created,
          storageAccount: target?.storageAccount ?? '',
          shipTo,
          carriers,
          drives: drives?.drives ?? [],
          returnAddress: created.returnAddress ?? {
            recipientName: shipping.contactName,
            streetAddress1: shipping.streetAddress1,
            city: shipping.city,
            postalCode: shipping.postalCode,
            countryOrRegion: shipping.countryOrRegion,
          },
          returnCarrier: created.returnShipping?.carrierName ?? shipping.carrierName,
        }}
      />
    </div>
  );
}
