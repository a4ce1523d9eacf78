/**
 * `npm test`: type-check the projects, lint (with the boundary rules), unit tests (Vitest), the conformance suite
 * (Microsoft's Python SDK and Azure CLI against the Local sandbox, tests/conformance), then the e2e suite (Playwright,
 * browser mode, Debian Chromium). Runs every step, prints a summary, exits non-zero if any failed.
 * `npm test -- --only unit,e2e` runs a subset.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const steps: Array<{ key: string; title: string; cmd: string; args: string[] }> = [
  { key: 'types', title: 'Type-check (shared, electron, renderer, scripts, e2e)', cmd: bin('tsc'), args: ['-b'] },
  { key: 'lint', title: 'Lint (including import boundaries)', cmd: bin('eslint'), args: ['--max-warnings', '0', '.'] },
  { key: 'unit', title: 'Unit and integration tests (Vitest)', cmd: bin('vitest'), args: ['run'] },
  { key: 'conformance', title: "Conformance (Microsoft's Python SDK and Azure CLI against the sandbox)", cmd: bin('vitest'), args: ['run', '-c', 'tests/conformance/vitest.config.ts'] },
  { key: 'e2e', title: 'End-to-end (Playwright, browser mode, Debian Chromium)', cmd: bin('playwright'), args: ['test', '-c', 'e2e/playwright.config.ts'] },
];

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : null;
const results: Array<{ title: string; ok: boolean; seconds: number }> = [];

for (const step of steps) {
  if (only && !only.has(step.key)) continue;
  process.stdout.write(`\n=== ${step.title} ===\n`);
  const t0 = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(step.cmd, step.args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
  results.push({ title: step.title, ok: code === 0, seconds: (Date.now() - t0) / 1000 });
}

process.stdout.write('\n=== Summary ===\n');
for (const r of results) process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'}  ${r.title}  (${r.seconds.toFixed(1)} s)\n`);
const passed = results.filter((r) => r.ok).length;
process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
process.exit(passed === results.length ? 0 : 1);
