import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphOf, runToEnd } from '../runtime/runGraph.js';
import { suffix } from './brokerTestKit.js';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

let client: pg.Client;
let dir: string;
const tables: string[] = [];

beforeAll(async () => {
  client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-pg-test-'));
});
afterAll(async () => {
  for (const t of tables) await client.query(`DROP TABLE IF EXISTS "${t}"`);
  await client.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string): Promise<number> =>
  Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${table}"`)).rows[0]!.n);

describe('sink.postgres', () => {
  it('appends each event once, and a rerun from the same state adds nothing', async () => {
    const table = `t_${suffix()}`;
    tables.push(table);
    const graph = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 3000, keys: 7 } },
        { id: 'out', type: 'sink.postgres', config: { url: PG_URL, table } },
      ],
      edges: ['gen -> out'],
    });
    const statePath = path.join(dir, `${table}.db`);
    expect((await runToEnd(graph, { dir, statePath })).result.status).toBe('finished');
    expect(await count(table)).toBe(3000);
    const ids = await client.query(`SELECT COUNT(DISTINCT value) AS n FROM "${table}"`);
    expect(Number(ids.rows[0].n)).toBe(3000);
    expect((await runToEnd(graph, { dir, statePath })).result.status).toBe('finished');
    expect(await count(table)).toBe(3000);
  });

  it('upserts one row per key from keyExpression', async () => {
    const table = `u_${suffix()}`;
    tables.push(table);
    const graph = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1000, keys: 5, valueExpression: '({ i, k: i % 3 })' } },
        { id: 'out', type: 'sink.postgres', config: { url: PG_URL, table, mode: 'upsert', keyExpression: 'value.k' } },
      ],
      edges: ['gen -> out'],
    });
    expect((await runToEnd(graph, { dir, statePath: path.join(dir, `${table}.db`) })).result.status).toBe('finished');
    const rows = await client.query<{ key: string; value: { i: number } }>(
      `SELECT key, value FROM "${table}" ORDER BY key`,
    );
    expect(rows.rows.map((r) => [r.key, r.value.i])).toEqual([
      ['0', 999],
      ['1', 997],
      ['2', 998],
    ]);
  });

  it('fails with one line naming the server when the database refuses the login', async () => {
    const graph = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 10 } },
        {
          id: 'out',
          type: 'sink.postgres',
          config: { url: 'postgres://nobody_here:secret@127.0.0.1:5432/test', table: 'x' },
        },
      ],
      edges: ['gen -> out'],
    });
    const r = await runToEnd(graph, { dir });
    expect(r.result.status).toBe('failed');
    expect(r.result.reason).toMatch(/^node "out": PostgreSQL at postgres:\/\/127\.0\.0\.1:5432\/test: /);
    expect(r.result.reason).not.toContain('secret');
  });
});
