// Lint enforces the runtime boundaries of ARCHITECTURE.md ("the runtime shows in the path").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const electronAllowed = [
  'src/main/index.ts',
  'src/main/window/**',
  'src/main/platform/**',
  'src/main/transports/electron-ipc.ts',
  'src/preload/**',
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'resources/**',
      'test-results/**',
      'bench-data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // Nothing but the named shell files may import electron (importing it under plain Node
    // triggers the binary download and throws).
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: electronAllowed,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only index.ts, window/, platform/, transports/electron-ipc.ts and preload import electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/transports/electron-ipc.ts'],
    rules: {
      // The router is tested under Node with a fake ipcMain: type imports only.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', allowTypeImports: true, message: 'Type-only imports here.' }] },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/shared is pure.' },
            { name: 'react', message: 'src/shared is pure.' },
          ],
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'better-sqlite3'],
              message: 'src/shared is pure: no Node modules.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer'],
    },
  },
  {
    files: ['src/main/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine runs under Node and Electron alike.' }],
          patterns: [
            {
              group: ['react', 'react-dom', 'react/*', 'monaco-editor', 'monaco-editor/*'],
              message: 'The engine imports no UI.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks through window.workbench only.' }],
          patterns: [
            { group: ['node:*', 'better-sqlite3', '**/main/**'], message: 'The renderer is a browser page.' },
          ],
        },
      ],
    },
  },
);
