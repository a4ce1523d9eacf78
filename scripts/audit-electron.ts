/**
 * `npm run audit:electron`: Electronegativity over what ships in the desktop app's trust boundary (Electron main,
 * preload, the renderer page). Fails when a finding above LOW severity remains that docs/SECURITY.md does not
 * justify (justified = "<CHECK_ID> <file>" appears there).
 */
import { createRequire } from 'node:module';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string };
  confidence: { name: string };
  description: string;
}
type Run = (opts: Record<string, unknown>, forCli: boolean) => Promise<{ issues: Issue[]; errors: unknown[] }>;

// Its CLI wrapper relies on an old hoisted commander; the runner it wraps is called directly instead.
const require = createRequire(import.meta.url);
const loaded = require(join(repoRoot, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'runner.js')) as
  Run | { default: Run };
const run = typeof loaded === 'function' ? loaded : loaded.default;

// One scan over a copy of the three parts, so global checks (CSP) see the page and the main process together.
const scanRoot = mkdtempSync(join(tmpdir(), 'obc-eg-'));
for (const part of ['electron/main', 'electron/preload', 'renderer/index.html']) {
  cpSync(join(repoRoot, part), join(scanRoot, part), { recursive: true });
}
const justified = readFileSync(join(repoRoot, 'docs', 'SECURITY.md'), 'utf8');
const result = await run(
  {
    input: scanRoot,
    isSarif: false,
    customScan: [],
    excludeFromScan: [],
    isRelative: false,
    isVerbose: false,
    electronVersionOverride: '45.4.1',
    parserPlugins: [],
  },
  false,
);
rmSync(scanRoot, { recursive: true, force: true });

let failures = 0;
for (const issue of result.issues) {
  const rel = issue.file === 'N/A' ? '(global)' : relative(scanRoot, issue.file);
  const sev = issue.severity.name;
  const isJustified = justified.includes(`${issue.id} ${rel}`);
  const ok = sev === 'LOW' || sev === 'INFORMATIONAL' || isJustified;
  if (!ok) failures++;
  process.stdout.write(
    `${ok ? 'ok  ' : 'FAIL'} ${sev.padEnd(6)} ${issue.confidence.name.padEnd(9)} ${issue.id} ${rel}:${issue.location.line}${isJustified ? ' (justified in docs/SECURITY.md)' : ''}${ok ? '' : ` — ${issue.description}`}\n`,
  );
}
process.stdout.write(`${result.issues.length} findings, ${failures} above low severity without a justification\n`);
process.exit(failures === 0 ? 0 : 1);
