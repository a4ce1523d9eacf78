/**
 * The printable shipping summary (no secrets: no BitLocker keys, no carrier account number). Hidden on screen;
 * a print stylesheet shows only it when the user prints (window.print → paper or "Save as PDF"). The same markup
 * is offered as a stand-alone HTML download.
 * data-testid: print-summary
 */
import type { ImportJobAddress, ImportJobInfo } from '../../../../shared/contract/azure.ts';
import { addressLines } from '../../../../shared/import-jobs.ts';

export const SHIPPING_RULES: readonly string[] = [
  'Ship all disks of this job in ONE package with ONE tracking number.',
  'Never put disks of different import jobs in the same package; each job needs its own tracking number.',
  'Enter the carrier and tracking number in the console within two weeks of creating the job, or the job may be deleted.',
  'Ship only SATA disks or SSDs — no USB enclosures or external cases.',
];

export const PRINT_CSS = `
@media screen { #obc-print-summary { display: none; } }
@media print {
  body * { visibility: hidden !important; }
  #obc-print-summary, #obc-print-summary * { visibility: visible !important; }
  #obc-print-summary { position: absolute; left: 0; top: 0; width: 100%; color: #000; background: #fff; font: 11pt Segoe UI, sans-serif; }
  #obc-print-summary table { border-collapse: collapse; }
  #obc-print-summary td, #obc-print-summary th { border: 1px solid #999; padding: 2pt 6pt; text-align: left; }
}`;

export interface SummaryData {
  job: ImportJobInfo;
  storageAccount: string;
  shipTo: ImportJobAddress | undefined;
  carriers: readonly string[];
  drives: ReadonlyArray<{ driveId: string; bytes: number; manifestHash: string }>;
  returnAddress: ImportJobAddress | undefined;
  returnCarrier?: string | undefined;
}

export function PrintSummary({ data, formatSize }: { data: SummaryData; formatSize: (n: number) => string }) {
  const { job } = data;
  return (
    <div id="obc-print-summary" data-testid="print-summary">
      <h1>Shipping summary — import job {job.name}</h1>
      <p>
        Storage account {data.storageAccount}, resource group {job.resourceGroup}, region {job.location}. State when
        printed: {job.state}.
      </p>
      <h2>Ship to (Azure datacenter)</h2>
      <p>
        {addressLines(data.shipTo).map((l) => (
          <span key={l}>
            {l}
            <br />
          </span>
        ))}
      </p>
      <p>Supported carriers: {data.carriers.join(', ') || '—'}</p>
      <h2>Disks in this package ({data.drives.length})</h2>
      <table>
        <thead>
          <tr>
            <th>Drive (serial)</th>
            <th>Size</th>
            <th>Manifest hash</th>
          </tr>
        </thead>
        <tbody>
          {data.drives.map((d) => (
            <tr key={d.driveId}>
              <td>{d.driveId}</td>
              <td>{formatSize(d.bytes)}</td>
              <td>{d.manifestHash}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Return to</h2>
      <p>
        {addressLines(data.returnAddress).map((l) => (
          <span key={l}>
            {l}
            <br />
          </span>
        ))}
        {data.returnCarrier ? `Return carrier: ${data.returnCarrier}` : ''}
      </p>
      <h2>Rules</h2>
      <ul>
        {SHIPPING_RULES.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <p>Tracking number: ______________________ Ship date: ____________</p>
    </div>
  );
}

/** A stand-alone HTML page of the summary markup, for "Download summary". */
export function summaryDocument(innerHtml: string, jobName: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shipping summary ${jobName}</title><style>body{font:11pt Segoe UI,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2pt 6pt;text-align:left}</style></head><body>${innerHtml}</body></html>`;
}
