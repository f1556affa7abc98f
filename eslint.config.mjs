import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Modules the isomorphic core and the renderer never import: Node and Electron. */
const NODE_AND_ELECTRON = ['node:*', 'fs', 'path', 'worker_threads', 'electron', 'better-sqlite3', '**/main/**'];
/** ajv compiles with `new Function`, which the renderer's CSP forbids: engine/contracts/node only. */
const AJV = ['ajv', 'ajv/**', 'ajv-formats'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Nothing imports main/ or renderer/ (STYLE.md).
    files: ['engine/**', 'main/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/renderer/**', '**/main/**'] }] },
  },
  {
    // The isomorphic core and the renderer never import Node or Electron (STYLE.md). Listed
    // after the rule above so these patterns (which include it) win for these folders.
    files: ['engine/contract/**', 'engine/graph/**', 'engine/nodes/**', 'engine/compiler/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...NODE_AND_ELECTRON,
            ...AJV,
            '../runtime/**',
            '../store/**',
            '../host/**',
            '../cli/**',
            '../contracts/node/**',
          ],
        },
      ],
    },
  },
  {
    // The schema algebra sits below graph/ (contract ← contracts/common ← graph): it imports
    // only engine/contract.
    files: ['engine/contracts/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...NODE_AND_ELECTRON, ...AJV, '../node/**', '../../*/**', '!../../contract/**'] },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...NODE_AND_ELECTRON,
            ...AJV,
            '**/engine/contracts/node/**',
            '**/engine/runtime/**',
            '**/engine/store/**',
            '**/engine/host/**',
            '**/engine/cli/**',
          ],
        },
      ],
    },
  },
);
