/**
 * Issue 10, fault 6: in a folder served by the web host, `x.jsonl -> <outside>/x.jsonl` with the
 * target missing passed the containment check (the fallback to the parent's real path), and a
 * run created the file outside the opened folder. Against the real `sluice serve`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './serveClient.js';

let root: string;
beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-link-')));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function graphWriting(file: string): object {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Link escape',
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 100 } },
      { id: 'out', type: 'sink.file', config: { path: file, format: 'jsonl' } },
    ],
    edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
  };
}

describe('a sink path through a dangling symlink', () => {
  it('is refused by the web host before the run starts, and nothing is created outside', async () => {
    const served = path.join(root, 'served');
    const outside = path.join(root, 'outside');
    fs.mkdirSync(served);
    fs.mkdirSync(outside);
    fs.symlinkSync(path.join(outside, 'x.jsonl'), path.join(served, 'x.jsonl'));
    fs.symlinkSync(path.join(outside, 'missing'), path.join(served, 'out'));
    const host = await serve(served);
    try {
      for (const file of ['x.jsonl', 'out/deep/y.jsonl']) {
        const graph = graphWriting(file);
        fs.writeFileSync(path.join(served, 'link.sluice.json'), JSON.stringify(graph));
        await expect(host.call('startRun', { graph, path: 'link.sluice.json', trusted: true })).rejects.toThrow(
          `Node out cannot run: its path ${file} is outside the folders you opened.`,
        );
      }
      // Had a run started, its sink would have opened (and created) the target by now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(fs.readdirSync(outside)).toEqual([]);
      expect(host.process.exitCode).toBeNull();
    } finally {
      await host.close();
    }
  });
});
