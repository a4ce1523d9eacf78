/**
 * Fault suite 2: kill -9 of `diskprep` (CLI child) at seeded random points, then a resume that completes with
 * read-back; every disk then holds exactly the staged bytes, and (for a subset of points) the sandbox datacenter
 * imports every blob intact. A kill point is either a seeded fraction of the bytes a complete run writes onto the
 * folder disks (inotify on the disks) or the n-th phase change the CLI reports (prepare/copy/manifest/readback/done
 * per disk) — real progress in both cases, no timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watch, readdirSync, lstatSync, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { parseManifest } from '../../electron/services/diskprep/manifest.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  makeDisks,
  makeStaging,
  writeSasFile,
} from '../../electron/services/diskprep/test-staging.ts';
import { sandboxCredential } from '../../electron/services/sandbox/test-sas.ts';
import { SEED, cli, resultOf, rng, tempDir } from './test-cli.ts';
import { accountKey, importThroughDatacenter } from './test-sandbox-import.ts';

const POINTS = Number(process.env.OBC_FAULT_DISKPREP_POINTS ?? 12);
/** Every DC_EVERY-th point also goes through the sandbox datacenter. */
const DC_EVERY = Number(process.env.OBC_FAULT_DC_EVERY ?? 3);
const LENGTHS = [5 * MiB + 512, 4 * MiB, 3 * MiB, 512, 2 * MiB + 1024];
const DISK_CAPS = [8 * MiB, 8 * MiB, 8 * MiB];

let dir: string;
let cleanup: () => Promise<void>;
let sb: SandboxHandle;
let token: string;
let key: string;
/** One container SAS (a real one, for the sandbox's container seed) for every run: the datacenter checks it. */
let sasFile: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-dp-'));
  sb = await startSandbox({ registrationDelayMs: 0 });
  token = await mintToken(sb, sb.users[0]);
  key = await accountKey(sb, token);
  sasFile = await writeSasFile(dir, sandboxCredential(sb, key), 'dp-faults');
});
afterAll(async () => {
  await sb?.stop();
  await cleanup?.();
});

function bytesUnder(d: string, skip = 'disk.json'): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(d);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name === skip) continue;
    try {
      const s = lstatSync(join(d, name));
      n += s.isDirectory() ? bytesUnder(join(d, name)) : s.size;
    } catch {
      /* renamed meanwhile */
    }
  }
  return n;
}

const PHASE_RE = /"type":"progress".*?"phase":"([a-zA-Z]+)".*?"serial":"([^"]*)"/;

interface Setup {
  stagingLocation: string;
  job: string;
  disks: string[];
  args: string[];
}
async function setup(name: string): Promise<Setup> {
  const root = join(dir, name);
  const stagingLocation = join(root, 'staging');
  const job = name;
  await makeStaging(stagingLocation, job, LENGTHS, { container: 'seed' });
  const disks = await makeDisks(root, DISK_CAPS, `${name.toUpperCase().replace(/-/g, '')}D`);
  return {
    stagingLocation,
    job,
    disks,
    args: [
      'diskprep',
      `s:${stagingLocation}`,
      '--job',
      job,
      ...disks.flatMap((d) => ['--disk', d]),
      '--yes',
      '--no-job',
      '--container-sas',
      sasFile,
      '--json',
    ],
  };
}

const env = { OBC_PASSPHRASE: TEST_PASSPHRASE };

/** Runs diskprep and kills it at the point: bytes on the disks ≥ `bytes`, or at the `phaseLine`-th phase change. */
async function runKilled(
  s: Setup,
  point: { bytes?: number; phaseLine?: number },
): Promise<{ killed: boolean; at: string; code: number | null; out: string }> {
  let at = '';
  const watchers: FSWatcher[] = [];
  let phases = 0;
  let last = '';
  const r = await cli(s.args, {
    env,
    onChild: (child) => {
      if (point.bytes === undefined) return;
      for (const d of s.disks) {
        watchers.push(
          watch(d, { recursive: true }, () => {
            if (at || child.exitCode !== null) return;
            const b = s.disks.reduce((sum, x) => sum + bytesUnder(x), 0);
            if (b >= point.bytes!) {
              at = `${b} bytes on the disks`;
              child.kill('SIGKILL');
            }
          }),
        );
      }
    },
    onLine: (line, child) => {
      if (point.phaseLine === undefined || at) return;
      const m = PHASE_RE.exec(line);
      if (!m || `${m[1]}:${m[2]}` === last) return;
      last = `${m[1]}:${m[2]}`;
      if (phases++ === point.phaseLine) {
        at = `phase change #${point.phaseLine} (${last})`;
        child.kill('SIGKILL');
      }
    },
  });
  for (const w of watchers) w.close();
  return { killed: r.signal === 'SIGKILL', at, code: r.code, out: r.stdout + r.stderr };
}

/** Every staged file is on exactly one disk with the same bytes; each manifest lists what its disk holds. */
async function checkDisks(s: Setup): Promise<void> {
  const seed = JSON.parse(await readFile(join(s.stagingLocation, s.job, 'seed.json'), 'utf8')) as {
    files: Array<{ path: string; length: number }>;
  };
  const found = new Map<string, number>();
  for (const d of s.disks) {
    const m = parseManifest(await readFile(join(d, 'DriveManifest.xml'), 'utf8'));
    for (const b of m.blobs) {
      const rel = b.blobPath.slice(`seed/${s.job}/`.length);
      found.set(rel, (found.get(rel) ?? 0) + 1);
      const onDisk = await readFile(join(d, ...b.filePath.split('\\').filter(Boolean)));
      expect(onDisk.length, `${d}: ${b.filePath}`).toBe(b.length);
      expect(
        onDisk.equals(await readFile(join(s.stagingLocation, s.job, rel))),
        `${d}: ${b.filePath} equals the staged file`,
      ).toBe(true);
    }
    const journal = await readFile(join(d, 'obc-journal.json'), 'utf8');
    expect(journal.trim().split('\n').pop(), `${d}: journal ends verified`).toMatch(/"t":"verified"/);
  }
  for (const f of seed.files) expect(found.get(f.path), `${f.path} on exactly one disk`).toBe(1);
}

describe(`Disk Prep: kill -9 at ${POINTS} seeded points (OBC_FAULT_SEED=${SEED}), then resume`, () => {
  it('resumes, passes read-back, and the datacenter imports every blob intact', { timeout: 400_000 }, async () => {
    const ref = await setup('dp-ref');
    let phaseLines = 0;
    let lastPhase = '';
    const refRun = await cli(ref.args, {
      env,
      onLine: (l) => {
        const m = PHASE_RE.exec(l);
        if (m && `${m[1]}:${m[2]}` !== lastPhase) {
          lastPhase = `${m[1]}:${m[2]}`;
          phaseLines++;
        }
      },
    });
    expect(refRun.code, refRun.stdout.slice(-500) + refRun.stderr).toBe(0);
    const total = ref.disks.reduce((s, d) => s + bytesUnder(d), 0);
    const r = rng(SEED ^ 0xd15c);
    const outcomes: string[] = [];
    let kills = 0;
    let imported = 0;
    for (let i = 0; i < POINTS; i++) {
      const s = await setup(`dpk-${i}`);
      const point = r() < 0.6 ? { bytes: Math.floor(r() * total) } : { phaseLine: Math.floor(r() * phaseLines) };
      const k = await runKilled(s, point);
      if (k.killed) kills++;
      else expect(k.code, `point ${i} ended by itself: ${k.out.slice(-500)}`).toBe(0);
      const again = await cli(s.args, { env });
      expect(
        again.code,
        `resume after point ${i} (${JSON.stringify(point)}, ${k.at}): ${again.stdout.slice(-600)}${again.stderr}`,
      ).toBe(0);
      expect(resultOf(again)?.status).toBe('succeeded');
      await checkDisks(s);
      let dc = '';
      if (i % DC_EVERY === 0) {
        const imp = await importThroughDatacenter(sb, token, key, s.stagingLocation, s.job, TEST_PASSPHRASE, s.disks);
        expect(imp.state, JSON.stringify(imp.drives)).toBe('Completed');
        expect(imp.bad, `point ${i}: blobs that differ from the staged packs`).toEqual([]);
        imported++;
        dc = '; datacenter imported every blob intact';
      }
      outcomes.push(
        `#${i} ${JSON.stringify(point)} → ${k.killed ? `killed at ${k.at}` : 'completed before the kill'}; resume ok, read-back ok, disks = staging${dc}`,
      );
    }
    console.log(
      `[faults] diskprep kill -9 seed=${SEED}: ${kills}/${POINTS} killed, ${imported} imported through the datacenter (reference: ${total} bytes, ${phaseLines} phase changes)\n  ${outcomes.join('\n  ')}`,
    );
    expect(kills).toBeGreaterThanOrEqual(10);
  });
});
