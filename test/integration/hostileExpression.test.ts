/**
 * Issue 10, fault 1: an expression of 1,000 nested template literals (5 KB) made `sluice
 * validate` abort with V8's "FATAL ERROR: RegExpCompiler Allocation failed" (exit 134), and the
 * one `validate` call the editor sends for it killed `sluice serve` and every run in it. Both
 * must answer with one clear problem and carry on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './serveClient.js';
import { linesOf, runCli, writeGraph } from './sluiceCli.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-hostile-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function nestedTemplates(n: number): string {
  let text = '1';
  for (let i = 0; i < n; i++) text = `\`\${${text}}\``;
  return text;
}

function graphWith(expression: string): object {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Hostile',
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 10 } },
      { id: 'deep', type: 'map', config: { expression } },
      { id: 'out', type: 'sink.console', config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'deep', port: 'in' } },
      { id: 'e2', from: { node: 'deep', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}

const NESTED = /node deep: Node "deep": "expression" is not valid as an expression: is nested more than 64 levels deep/;

describe('an expression nested past what the parser can take', () => {
  it('sluice validate reports it as one problem and exits 1, not with a V8 abort', async () => {
    const file = writeGraph(path.join(root, 'cli'), graphWith(nestedTemplates(1000)));
    const r = await runCli(['validate', file], { timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toMatch(/FATAL|RegExpCompiler|Native stack/);
    expect(r.code, r.stderr).toBe(1);
    const lines = linesOf(r.stderr);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^error: ${NESTED.source}`));
    expect(lines[1]).toBe(`${file}: 1 error`);
  });

  it('sluice serve answers the editor’s validate call with the problem and keeps serving', async () => {
    const dir = path.join(root, 'serve');
    fs.mkdirSync(dir, { recursive: true });
    const host = await serve(dir);
    try {
      const problems = (await host.call('validate', graphWith(nestedTemplates(1000)))) as Array<{
        severity: string;
        nodeId?: string;
        message: string;
      }>;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ severity: 'error', nodeId: 'deep' });
      expect(problems[0]!.message).toMatch(/is nested more than 64 levels deep/);
      // Still alive: a valid graph validates, and the process has not exited.
      expect(await host.call('validate', graphWith('value'))).toEqual([]);
      expect(host.process.exitCode).toBeNull();
      expect(host.process.signalCode).toBeNull();
      expect(host.stderr()).not.toMatch(/FATAL|RegExpCompiler/);
    } finally {
      await host.close();
    }
  });
});
