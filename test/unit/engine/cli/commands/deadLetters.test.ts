import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadLettersCommand } from '../../../../../engine/cli/commands/deadLetters.js';
import { StateStore } from '../../../../../engine/store/StateStore.js';

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cli-dl-'));
  dbPath = path.join(dir, 'g.db');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(options: { jsonl?: string } = {}): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = deadLettersCommand(
    dbPath,
    options,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

function seed(): void {
  const store = StateStore.open(dbPath);
  store.addDeadLetters([
    {
      nodeId: 'parse',
      error: 'SyntaxError: Unexpected token',
      time: Date.UTC(2026, 0, 1),
      event: { id: 'e1', key: 'k1', time: 10, value: { raw: '{oops' } },
    },
    {
      nodeId: 'fn',
      error: 'worker crashed\non every attempt',
      time: Date.UTC(2026, 0, 1, 0, 0, 1),
      attempts: 3,
      event: { id: 'e2', key: null, time: 20, value: 7 },
    },
  ]);
  store.close();
}

describe('sluice dead-letters', () => {
  it('lists node, error, event and time of every dead letter, oldest first', () => {
    seed();
    const { code, out, err } = run();
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      'id  time                      node   attempts  error                              event',
      ' 1  2026-01-01T00:00:00.000Z  parse         1  SyntaxError: Unexpected token      {"id":"e1","key":"k1","time":10,"value":{"raw":"{oops"}}',
      ' 2  2026-01-01T00:00:01.000Z  fn            3  worker crashed ⏎ on every attempt  {"id":"e2","key":null,"time":20,"value":7}',
    ]);
  });

  it('writes one event envelope per line to --jsonl, ready for a source.file', () => {
    seed();
    const target = path.join(dir, 'replay.jsonl');
    const { code, out } = run({ jsonl: target });
    expect(code).toBe(0);
    expect(out.at(-1)).toBe(`wrote 2 dead letters to ${target}`);
    const lines = fs.readFileSync(target, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { id: 'e1', key: 'k1', time: 10, value: { raw: '{oops' } },
      { id: 'e2', key: null, time: 20, value: 7 },
    ]);
  });

  it('says so when there are none, and still writes an empty --jsonl file', () => {
    StateStore.open(dbPath).close();
    const target = path.join(dir, 'none.jsonl');
    expect(run({ jsonl: target })).toEqual({
      code: 0,
      out: [`no dead letters in ${dbPath}`, `wrote 0 dead letters to ${target}`],
      err: [],
    });
    expect(fs.readFileSync(target, 'utf8')).toBe('');
  });

  it('exits 2 with one clear line when the store does not exist', () => {
    expect(run()).toEqual({ code: 2, out: [], err: [`state store ${dbPath} does not exist`] });
  });

  it('exits 1 with one clear line when the --jsonl file cannot be written', () => {
    seed();
    const target = path.join(dir, 'missing-folder', 'x.jsonl');
    const { code, err } = run({ jsonl: target });
    expect(code).toBe(1);
    expect(err).toEqual([`cannot write ${target}: ENOENT`]);
  });
});
