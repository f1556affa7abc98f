/**
 * Issue 16, item 8, through the real CLI on a copy of the shipped templates: the CQRS commands
 * graph checks commands against their contract and appends order events to the event log; the
 * CQRS projection folds the log (and last year's v1 events, upcast) into an orders table, kept up
 * to date as more commands come; rebuilding it (`sluice run --fresh`, from an empty table) ends
 * with the same table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStatePath } from '../../engine/store/defaultStatePath.js';
import { linesOf, REPO, runCli } from './sluiceCli.js';

const EXAMPLES = path.join(REPO, 'assets', 'examples');
let dir: string;
let commandsGraph: string;
let projectionGraph: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cqrs-'));
  for (const f of ['cqrs-commands.sluice.json', 'cqrs-projection.sluice.json']) {
    fs.copyFileSync(path.join(EXAMPLES, f), path.join(dir, f));
  }
  fs.cpSync(path.join(EXAMPLES, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  fs.cpSync(path.join(EXAMPLES, 'data', 'cqrs'), path.join(dir, 'data', 'cqrs'), { recursive: true });
  commandsGraph = path.join(dir, 'cqrs-commands.sluice.json');
  projectionGraph = path.join(dir, 'cqrs-projection.sluice.json');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Row {
  key: string;
  time: number;
  value: string;
}

function table(): Row[] {
  const db = new BetterSqlite3(path.join(dir, 'out', 'orders.db'), { readonly: true });
  try {
    return db.prepare('SELECT key, time, value FROM orders ORDER BY key').all() as Row[];
  } finally {
    db.close();
  }
}

async function run(graph: string, ...flags: string[]): Promise<string> {
  const r = await runCli(['run', graph, ...flags], { timeoutMs: 90_000 });
  expect(r.stderr).not.toMatch(/at .*\.js:\d/);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout + r.stderr;
}

describe('the CQRS + event-sourcing templates', () => {
  it('validate, and their contracts pass schema check', async () => {
    for (const g of [commandsGraph, projectionGraph]) expect((await runCli(['validate', g])).code).toBe(0);
    const check = await runCli(['schema', 'check', commandsGraph]);
    expect(check.code, check.stderr).toBe(0);
  });

  it('keep the projection up to date as commands come, and a rebuild from the log ends with the same table', async () => {
    // 1. The first commands only: the rest arrive later.
    const commandsFile = path.join(dir, 'data', 'cqrs', 'commands.jsonl');
    const all = linesOf(fs.readFileSync(commandsFile, 'utf8'));
    fs.writeFileSync(commandsFile, all.slice(0, 8).join('\n') + '\n');
    await run(commandsGraph);
    await run(projectionGraph);
    const early = table();

    // 2. More commands: both graphs resume where they stopped (the log grows, the table follows).
    fs.appendFileSync(commandsFile, all.slice(8).join('\n') + '\n');
    expect(await run(commandsGraph)).toMatch(/resuming from checkpoint/);
    expect(await run(projectionGraph)).toMatch(/resuming from checkpoint/);
    const live = table();
    expect(live.length).toBeGreaterThan(early.length);

    // The invalid command (quantity 0) is a dead letter naming its field; the others are events.
    const log = linesOf(fs.readFileSync(path.join(dir, 'out', 'order-events.jsonl'), 'utf8'));
    expect(log).toHaveLength(all.length - 1);
    const letters = await runCli(['dead-letters', defaultStatePath(commandsGraph, 'CQRS commands')]);
    expect(letters.stdout).toContain('order-command@1');
    expect(letters.stdout).toContain('o-199');

    const byKey = new Map(live.map((r) => [r.key, JSON.parse(r.value) as Record<string, unknown>]));
    // A v1 event upcast: quantity × unit price became amountCents; a v1 cancellation got a reason.
    expect(byKey.get('o-2')).toMatchObject({ status: 'placed', amountCents: 3675 });
    expect(byKey.get('o-3')).toMatchObject({ status: 'cancelled', reason: 'not recorded (v1)' });
    // A v2 cancellation from the commands.
    expect(byKey.get('o-104')).toMatchObject({ status: 'cancelled', reason: 'changed my mind' });
    expect(byKey.has('o-199')).toBe(false);
    expect(live).toHaveLength(8 + 12);

    // 3. Rebuild: the table dropped, the projection replayed from the start.
    fs.rmSync(path.join(dir, 'out', 'orders.db'));
    await run(projectionGraph, '--fresh');
    expect(table()).toEqual(live);
  }, 240_000);
});
