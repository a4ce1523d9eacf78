import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const POOL = fileURLToPath(new URL('./worker-pool.ts', import.meta.url));

// A run that started its chunk workers ahead (beside the scan) and stops before its read pass ends them while they
// may still be loading. Ended mid-load, V8 printed "Exception thrown during bootstrapping" or "Error installing
// extension" and a page of Node's source on stderr (seen in CI). The pool now waits for each worker's `ready` first.
// This stops workers at every point of their load, 0 to 120 ms in. It is a smoke check, not a proof: the old close
// printed in about one run of this loop in three (6 messages in 4 runs, 0 in 6 runs with the fix), since the window
// is a few milliseconds wide.
it('ending workers started ahead at any point of their start-up prints nothing on stderr', () => {
  const script = `
    const { StartedWorkers } = await import(${JSON.stringify(POOL)});
    for (let i = 0; i < 60; i++) {
      const s = new StartedWorkers(2);
      s.start();
      await new Promise((r) => setTimeout(r, i * 2));
      await s.close();
    }
    process.stdout.write('closed 60');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stdout).toBe('closed 60');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 150_000);
