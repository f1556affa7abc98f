/**
 * The ceilings of `npm run bench ceilings` are only ceilings if the plain loops do the work
 * Sluice does: the same output lines and rows for the standard pipeline, checked here against
 * the real CLI on a small count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineGraph, plainPipeline } from '../bench/lib/standardPipeline.mjs';
import { runCli, writeGraph } from './sluiceCli.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-baselines-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const COUNT = 30_000;

async function sluice(sink: 'file' | 'sqlite'): Promise<string> {
  const dir = path.join(work, `sluice-${sink}`);
  const file = writeGraph(dir, pipelineGraph(COUNT, sink));
  const r = await runCli(['run', file, '--state', path.join(dir, 'state.db')], { cwd: dir });
  expect(r.code).toBe(0);
  return path.join(dir, 'out', sink === 'file' ? 'totals.jsonl' : 'totals.db');
}

function rows(db: string): Array<{ key: string; value: string }> {
  const d = new BetterSqlite3(db, { readonly: true });
  try {
    return d.prepare('SELECT key, value FROM totals ORDER BY rowid').all() as Array<{ key: string; value: string }>;
  } finally {
    d.close();
  }
}

describe('the standard pipeline’s plain loops', () => {
  it('write the same JSON lines as Sluice’s sink.file, in the same order', async () => {
    const plainFile = path.join(work, 'plain.jsonl');
    const plain = plainPipeline(COUNT, 'file', plainFile);
    expect(plain.outputs).toBe(COUNT / 2);
    const want = fs.readFileSync(await sluice('file'), 'utf8');
    expect(fs.readFileSync(plainFile, 'utf8')).toBe(want);
    expect(want.split('\n')[0]).toBe('{"key":"k0","op":"sum","value":0,"count":1}');
  });

  it('insert the same rows as Sluice’s sink.sqlite append (but for the wall-clock time)', async () => {
    const plainDb = path.join(work, 'plain.db');
    plainPipeline(COUNT, 'sqlite', plainDb);
    const want = rows(await sluice('sqlite'));
    expect(want).toHaveLength(COUNT / 2);
    expect(rows(plainDb)).toEqual(want);
    const d = new BetterSqlite3(plainDb, { readonly: true });
    expect(d.pragma('journal_mode', { simple: true })).toBe('wal');
    d.close();
  });

  it('with no output compute as many results as Sluice’s aggregate emits', () => {
    expect(plainPipeline(COUNT, 'none').outputs).toBe(COUNT / 2);
  });
});
