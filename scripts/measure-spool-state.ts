/**
 * `node scripts/measure-spool-state.ts [--packs 2000] [--dir <tmp>]`
 *
 * What the online spool's state costs for one run of N packs (electron/services/online/spool.ts): N `add` then N
 * `markUploaded`, as a run commits and uploads its packs, in a temp folder. Prints wall time, the bytes the process
 * wrote (`wchar` of /proc/self/io: every write(2), temp files and state alike) and the state files' size at the end.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Spool } from '../electron/services/online/spool.ts';

const { values } = parseArgs({ options: { packs: { type: 'string', default: '2000' }, dir: { type: 'string' } } });
const packs = Number(values.packs);
const written = (): number => Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
const dir = await mkdtemp(join(values.dir ?? tmpdir(), 'obc-spool-measure-'));
try {
  const t0 = performance.now();
  const w0 = written();
  const spool = await Spool.open(dir, 'job', 'backup-1');
  const sha256 = 'ab'.repeat(32);
  for (let n = 1; n <= packs; n++) await spool.add({ n, length: 16 * 1024 * 1024, sha256, chunks: 40 });
  for (let n = 1; n <= packs; n++) await spool.markUploaded(n);
  const ms = performance.now() - t0;
  const bytes = written() - w0;
  let size = 0;
  for (const f of await readdir(join(dir, 'spool'))) size += (await stat(join(dir, 'spool', f))).size;
  console.log(
    `${packs} add + ${packs} markUploaded: ${(ms / 1000).toFixed(2)} s, ${(bytes / 1e6).toFixed(1)} MB written, ` +
      `state files ${(size / 1e3).toFixed(1)} kB at the end`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
