import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Modules the isomorphic core and the renderer never import: Node, Electron, native and server packages. */
const NODE_AND_ELECTRON = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'electron',
  'better-sqlite3',
  'ws',
];

/** ajv compiles with `new Function`, which the renderer's CSP forbids: engine/contracts/node only. */
const AJV = ['ajv', 'ajv/**', 'ajv-formats'];

/** The engine's Node side (`runtime`, `store`, `host`, `cli`, `contracts/node`) at any depth of relative path. */
const ENGINE_NODE_SIDE = ['**/runtime/**', '**/store/**', '**/host/**', '**/cli/**', '**/contracts/node/**'];
// engine/scaleout (group runs on NATS JetStream) is Node side too.
ENGINE_NODE_SIDE.push('**/scaleout/**');

/**
 * The import boundaries of STYLE.md, one list per side, so each folder's rule is whole (in a flat
 * config a later `no-restricted-imports` replaces an earlier one; it does not add to it):
 *   - nothing imports main/ or renderer/;
 *   - the isomorphic core (contract, graph, nodes, compiler) imports no Node API and nothing of
 *     the engine's Node side;
 *   - the renderer imports only engine/contract and the isomorphic core: not the Node side, not
 *     the engine's entry point (it re-exports the host).
 */
const BOUNDARIES = {
  engine: ['**/renderer/**', '**/main/**'],
  core: [...NODE_AND_ELECTRON, ...AJV, '**/renderer/**', '**/main/**', ...ENGINE_NODE_SIDE],
  renderer: [
    ...NODE_AND_ELECTRON,
    ...AJV,
    '**/main/**',
    ...ENGINE_NODE_SIDE.map((p) => `**/engine/${p.slice(3)}`),
    '**/engine/index.js',
    '**/engine/index.ts',
  ],
};

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
    rules: { 'no-restricted-imports': ['error', { patterns: BOUNDARIES.engine }] },
  },
  {
    // Listed after the rule above, which these replace for these folders.
    files: ['engine/contract/**', 'engine/graph/**', 'engine/nodes/**', 'engine/compiler/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: BOUNDARIES.core }] },
  },
  {
    // The schema algebra sits below graph/ (contract ← contracts/common ← graph): it imports
    // only engine/contract.
    files: ['engine/contracts/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...BOUNDARIES.core, '../node/**', '../../*/**', '!../../contract/**'] },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: BOUNDARIES.renderer }] },
  },
);
