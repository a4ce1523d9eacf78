import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { repoRoot } from '../electron/services/paths.ts';

/**
 * Proves the boundary rules bite: each forbidden import, linted as if it lived in that folder, is an error. So do the
 * type-aware promise rules.
 */
describe('lint boundaries', () => {
  // The fixtures are not on disk, so no tsconfig holds them: the import rules need no types, and the type-aware rules
  // are proven below on a fixture at the root, which the project service types with its default project.
  const eslint = new ESLint({ cwd: repoRoot, overrideConfig: tseslint.configs.disableTypeChecked });
  const typed = new ESLint({ cwd: repoRoot });
  const lint = async (filePath: string, code: string) => {
    const [res] = await eslint.lintText(code, { filePath });
    return res.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it('forbids electron in services', async () => {
    expect(
      await lint('electron/services/backup/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).not.toHaveLength(0);
  });
  it('forbids Node and Electron in the renderer', async () => {
    expect(
      await lint('renderer/src/x.ts', "import { readFile } from 'node:fs';\nexport const r = readFile;\n"),
    ).not.toHaveLength(0);
    expect(
      await lint('renderer/src/y.ts', "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n"),
    ).not.toHaveLength(0);
    expect(
      await lint(
        'renderer/src/z.ts',
        "import { handlers } from '../../electron/handlers/table.ts';\nexport const h = handlers;\n",
      ),
    ).not.toHaveLength(0);
  });
  it('forbids platform imports in shared', async () => {
    expect(await lint('shared/x.ts', "import { join } from 'node:path';\nexport const j = join;\n")).not.toHaveLength(
      0,
    );
    expect(await lint('shared/y.ts', "import React from 'react';\nexport const r = React;\n")).not.toHaveLength(0);
  });
  it('forbids services to import the handlers, the CLI or a host', async () => {
    const code = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;
    expect(await lint('electron/services/backup/x.ts', code('../../handlers/backup.ts'))).toEqual([
      expect.stringContaining('never import the handlers'),
    ]);
    expect(await lint('electron/services/x.ts', code('../handlers/table.ts'))).toEqual([
      expect.stringContaining('never import the handlers'),
    ]);
    expect(await lint('electron/services/backup/x.ts', code('../../cli/commands/backup.ts'))).toEqual([
      expect.stringContaining('never import the CLI'),
    ]);
    expect(await lint('electron/services/policies/agent/x.ts', code('../../../main/index.ts'))).toEqual([
      expect.stringContaining('never import a host'),
    ]);
    expect(await lint('electron/services/backup/x.ts', code('../../server/index.ts'))).toEqual([
      expect.stringContaining('never import a host'),
    ]);
    expect(await lint('electron/services/backup/x.ts', code('../../preload/index.ts'))).toEqual([
      expect.stringContaining('never import a host'),
    ]);
    expect(
      await lint('electron/services/backup/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toEqual([expect.stringContaining('never import Electron')]);
  });
  it('lets services import each other and shared/, and their tests drive the handlers', async () => {
    const code = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;
    expect(await lint('electron/services/backup/x.ts', code('../tasks/task-manager.ts'))).toHaveLength(0);
    expect(await lint('electron/services/backup/x.ts', code('../../../shared/policy.ts'))).toHaveLength(0);
    expect(await lint('electron/services/backup/x.test.ts', code('../../handlers/backup.ts'))).toHaveLength(0);
  });
  it('forbids a floating promise, a promise passed as a void callback and an await of a plain value', async () => {
    // Type-aware: the rules know from the types that `sleep` returns a promise and `1` is none.
    const rules = async (filePath: string, code: string) => {
      const [res] = await typed.lintText(code, { filePath });
      return res.messages.map((m) => m.ruleId ?? m.message);
    };
    const sleep =
      'const sleep = async (ms: number): Promise<void> => { await new Promise((r) => setTimeout(r, ms)); };\n';
    expect(await rules('promise-fixture.ts', `${sleep}export function f(): void {\n  sleep(1);\n}\n`)).toEqual([
      '@typescript-eslint/no-floating-promises',
    ]);
    expect(
      await rules(
        'promise-fixture.ts',
        `${sleep}export function f(): void {\n  [1].forEach(async (n) => sleep(n));\n}\n`,
      ),
    ).toEqual(['@typescript-eslint/no-misused-promises']);
    expect(
      await rules('promise-fixture.ts', `export async function f(): Promise<number> {\n  return await 1;\n}\n`),
    ).toEqual(['@typescript-eslint/await-thenable']);
    // Handled, it passes: awaited, or a rejection handler that reports.
    expect(
      await rules(
        'promise-fixture.ts',
        `${sleep}export async function f(): Promise<void> {\n  await sleep(1);\n  sleep(1).catch((err: unknown) => console.error(err));\n}\n`,
      ),
    ).toEqual([]);
  });
  it('allows electron in the main host', async () => {
    expect(await lint('electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(
      0,
    );
  });
});
