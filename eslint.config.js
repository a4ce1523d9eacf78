// Lint: TypeScript rules plus the process boundaries of DESIGN.md §9, enforced mechanically.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'worker_threads', 'stream', 'zlib', 'url', 'util', 'events'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    // The rules of hooks, and every effect's dependencies listed (a missing one is how a screen shows stale state).
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The renderer never imports Electron: use window.api through renderer/src/api.' },
            { group: nodeBuiltins, message: 'The renderer never imports Node: ask the main process through the contract.' },
            { group: ['**/electron/**', '../electron', '../../electron'], message: 'The renderer never imports the hosts or services: go through shared/ipc.ts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'shared/ is platform-free: no Electron.' },
            { group: nodeBuiltins, message: 'shared/ is platform-free: no Node built-ins.' },
            { group: ['react', 'react-dom', '@fluentui/*'], message: 'shared/ is platform-free: no React.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the project.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/services/**/*.ts', 'electron/cli/**/*.ts', 'electron/handlers/**/*.ts', 'electron/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron/*'], message: 'Services, handlers, the CLI and browser mode never import Electron; only electron/main and electron/preload may.' }] },
      ],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/services/**', '**/handlers/**'], message: 'The preload only bridges IPC; it never loads services.' }] },
      ],
    },
  },
);
