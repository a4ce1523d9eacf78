/**
 * `npm test`: type-check the projects, lint (with the boundary rules), unit tests, integration tests (Vitest), the conformance suite
 * (Microsoft's Python SDK and Azure CLI against the Local sandbox, tests/conformance), then the e2e suite (Playwright,
 * browser mode, Debian Chromium). Runs every step, prints a summary, exits non-zero if any failed.
 * `npm test -- --only unit,e2e` runs a subset.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
// The tools start with `#!/usr/bin/env node`: put the project's Node 22 first even when this script was started
// outside npm (which does this itself), or they would run on the system's Node 20.
const childPath = [join(repoRoot, 'node_modules', '.bin'), process.env.PATH].filter(Boolean).join(delimiter);
// Vitest also writes a JSON report, so the summary at the end (all a truncated CI log may keep) names what failed.
const reportFile = (key: string) => join(repoRoot, 'test-results', `vitest-${key}.json`);
const vitestReport = (key: string) => ['--reporter=default', '--reporter=json', `--outputFile.json=${reportFile(key)}`];
const steps: Array<{ key: string; title: string; cmd: string; args: string[] }> = [
  {
    key: 'types',
    title: 'Type-check (shared, electron, renderer, scripts, e2e, tests)',
    cmd: bin('tsc'),
    args: ['-b'],
  },
  { key: 'lint', title: 'Lint (including import boundaries)', cmd: bin('eslint'), args: ['--max-warnings', '0', '.'] },
  {
    key: 'format',
    title: 'Format (Prettier, code only)',
    cmd: bin('prettier'),
    args: ['--check', '--log-level', 'warn', '.'],
  },
  {
    key: 'unit',
    title: 'Unit tests: pure logic and components (Vitest)',
    cmd: bin('vitest'),
    args: ['run', '--project', 'unit', '--project', 'renderer', ...vitestReport('unit')],
  },
  {
    key: 'integration',
    title: 'Integration tests: local servers, CLI, kill -9, round trips (Vitest)',
    cmd: bin('vitest'),
    args: ['run', '--project', 'integration', ...vitestReport('integration')],
  },
  {
    key: 'conformance',
    title: "Conformance (Microsoft's Python SDK and Azure CLI against the sandbox)",
    cmd: bin('vitest'),
    args: ['run', '-c', 'tests/conformance/vitest.config.ts', ...vitestReport('conformance')],
  },
  {
    key: 'e2e',
    title: 'End-to-end (Playwright, browser mode, Debian Chromium)',
    cmd: bin('playwright'),
    args: ['test', '-c', 'e2e/playwright.config.ts'],
  },
];

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : null;
const results: Array<{ title: string; ok: boolean; seconds: number; failures: string[] }> = [];

/** The failed tests of a Vitest step from its JSON report: file, test name, the first lines of the error. */
async function failuresOf(key: string): Promise<string[]> {
  let report: {
    testResults?: Array<{
      name: string;
      message?: string;
      assertionResults?: Array<{ fullName: string; status: string; failureMessages?: string[] }>;
    }>;
  };
  try {
    report = JSON.parse(await readFile(reportFile(key), 'utf8'));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const file of report.testResults ?? []) {
    const where = file.name.startsWith(repoRoot) ? file.name.slice(repoRoot.length + 1) : file.name;
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) out.push(`${where} > ${a.fullName}\n${firstLines(a.failureMessages?.join('\n') ?? '')}`);
    if (!failed.length && file.message) out.push(`${where}\n${firstLines(file.message)}`);
  }
  return out;
}
const firstLines = (text: string) =>
  text
    .split('\n')
    .slice(0, 6)
    .map((l) => `      ${l}`)
    .join('\n');

for (const step of steps) {
  if (only && !only.has(step.key)) continue;
  process.stdout.write(`\n=== ${step.title} ===\n`);
  await rm(reportFile(step.key), { force: true });
  const t0 = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(step.cmd, step.args, {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, PATH: childPath, FORCE_COLOR: process.env.CI ? '0' : '1' },
    });
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
  results.push({
    title: step.title,
    ok: code === 0,
    seconds: (Date.now() - t0) / 1000,
    failures: code === 0 ? [] : await failuresOf(step.key),
  });
}

process.stdout.write('\n=== Summary ===\n');
for (const r of results) {
  process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'}  ${r.title}  (${r.seconds.toFixed(1)} s)\n`);
  for (const f of r.failures) process.stdout.write(`  ✗ ${f}\n`);
}
const passed = results.filter((r) => r.ok).length;
process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
process.exit(passed === results.length ? 0 : 1);
