// Lint: TypeScript rules plus the process boundaries of DESIGN.md §9, enforced mechanically.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const noElectron = {
  group: ['electron', 'electron/*'],
  message:
    'Services, handlers, the CLI and browser mode never import Electron; only electron/main and electron/preload may.',
};
const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'crypto',
  'net',
  'http',
  'https',
  'worker_threads',
  'stream',
  'zlib',
  'url',
  'util',
  'events',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'release/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      // Type-aware rules: every file is checked with the tsconfig that type-checks it (shared, electron, renderer,
      // scripts, e2e, tests); the three config files at the root have none and use the default project.
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its rejection (in the main process an unhandled rejection ends the app), and
      // one passed where a plain callback is expected (an event handler, forEach) is never awaited either.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
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
            {
              group: ['electron', 'electron/*'],
              message: 'The renderer never imports Electron: use window.api through renderer/src/api.',
            },
            {
              group: nodeBuiltins,
              message: 'The renderer never imports Node: ask the main process through the contract.',
            },
            {
              group: ['**/electron/**', '../electron', '../../electron'],
              message: 'The renderer never imports the hosts or services: go through shared/ipc.ts.',
            },
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
    files: [
      'electron/services/**/*.ts',
      'electron/cli/**/*.ts',
      'electron/handlers/**/*.ts',
      'electron/server/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron] }] },
  },
  {
    // The engine is the bottom layer: hosts, handlers and the CLI call it, never the other way round. Its tests may
    // drive it through the handlers.
    files: ['electron/services/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noElectron,
            // Matched by folder name: no folder inside electron/services/ is called handlers, cli, main, preload or server.
            {
              group: ['**/handlers/**'],
              message: 'Services never import the handlers: a handler calls a service, not the other way round.',
            },
            { group: ['**/cli/**'], message: 'Services never import the CLI: the CLI drives the services.' },
            {
              group: ['**/main/**', '**/preload/**', '**/server/**'],
              message:
                'Services never import a host (electron/main, electron/preload, electron/server): the hosts compose the services.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '**/handlers/**'],
              message: 'The preload only bridges IPC; it never loads services.',
            },
          ],
        },
      ],
    },
  },
);
