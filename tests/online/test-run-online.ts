/**
 * Fault tests only: one online backup in its own process, so a test can SIGKILL it at a named engine point
 * (`block:<blob>:<index>`, `spool:N`, `pack:N`, `committed:N`, `uploaded:N`, `catalog`, `point`, `prune:plan`, `prune:point:<id>`,
 * `prune:pack:<path>`, `repack:plan`, `repack:pack:N`, `repack:point:<id>`, `repack:old:<path>`). Arguments: one JSON object (argv[2]);
 * `killAt` is a regular expression, `killNth` which match (1-based) kills, `killedAtFile` (optional) receives the point
 * killed at. Prints the result as one JSON line.
 */
import { writeFileSync } from 'node:fs';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { caTrustingPipeline } from '../../electron/services/sandbox/blob-access.ts';
import { runOnlineBackup } from '../../electron/services/online/incremental.ts';

interface Args {
  baseUrl: string;
  account: string;
  key: string;
  caCertPem: string;
  container: string;
  job: string;
  passphrase: string;
  items: string[];
  time: string;
  workDir: string;
  packSize: number;
  blockSize: number;
  killAt?: string;
  killNth?: number;
  killedAtFile?: string;
  /** Restore point ids to remove after the point is committed. */
  expireIds?: string[];
}

const a = JSON.parse(process.argv[2]) as Args;
const service = new BlobServiceClient(
  `${a.baseUrl}/${a.account}/`,
  caTrustingPipeline(new StorageSharedKeyCredential(a.account, a.key), a.caCertPem),
);
const re = a.killAt ? new RegExp(a.killAt) : null;
let seen = 0;
const r = await runOnlineBackup({
  container: service.getContainerClient(a.container),
  job: a.job,
  passphrase: a.passphrase,
  items: a.items,
  time: a.time,
  workDir: a.workDir,
  packSize: a.packSize,
  blockSize: a.blockSize,
  snapshots: false,
  ...(a.expireIds ? { expire: () => a.expireIds! } : {}),
  testHook: (point) => {
    if (re?.test(point) && ++seen === (a.killNth ?? 1)) {
      if (a.killedAtFile) writeFileSync(a.killedAtFile, point);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
process.stdout.write(`${JSON.stringify(r)}\n`);
