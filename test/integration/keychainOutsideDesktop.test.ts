/**
 * SPEC §10: `${keychain:NAME}` is the desktop app's (main hands the OS keychain's secrets to
 * its engine process). The CLI has no keychain: `validate` and `run` say so in one sentence
 * and point to `${env:NAME}`, with no stack trace, and nothing runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, runCli, writeGraph } from './sluiceCli.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-keychain-cli-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const graph = {
  format: 'sluice/graph',
  version: 1,
  name: 'Keychain in the CLI',
  connections: { db: { url: 'postgres://app:${keychain:PG_PASSWORD}@127.0.0.1:5432/test' } },
  nodes: [
    { id: 'gen', type: 'source.generator', config: { count: 3 } },
    { id: 'rows', type: 'sink.postgres', config: { url: 'db', table: 'keychain_cli' } },
  ],
  edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'rows', port: 'in' } }],
};

const SENTENCE =
  'node rows: Node "rows": url: ${keychain:PG_PASSWORD}: keychain secrets are available in the desktop app; use ${env:NAME} here.';

describe('${keychain:…} in the CLI', () => {
  it('sluice validate reports it as one error naming the node and field, and exits 1', async () => {
    const file = writeGraph(path.join(root, 'validate'), graph);
    const r = await runCli(['validate', file], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(linesOf(r.stderr)).toEqual([`error: ${SENTENCE}`, `${file}: 1 error`]);
  });

  it('sluice run refuses it before starting anything, with the same sentence and no stack trace', async () => {
    const file = writeGraph(path.join(root, 'run'), graph);
    const r = await runCli(['run', file], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.signal).toBeNull();
    expect(r.stderr).toContain('keychain secrets are available in the desktop app; use ${env:NAME} here');
    expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
  });
});
