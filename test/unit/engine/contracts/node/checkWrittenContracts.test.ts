import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventSchema } from '../../../../../engine/contract/eventSchema.js';
import type { GraphFile } from '../../../../../engine/contract/graphFile.js';
import { checkWrittenContracts } from '../../../../../engine/contracts/node/checkWrittenContracts.js';
import {
  contractSidecarOf,
  readFileContracts,
  readTableContracts,
  recordFileContract,
  recordTableContract,
} from '../../../../../engine/contracts/node/writtenContracts.js';

const schema = (
  version: number,
  s: Record<string, unknown>,
  compatibility: EventSchema['compatibility'] = 'BACKWARD',
): EventSchema => ({
  name: 'orders',
  version,
  ref: `orders@${version}`,
  file: `orders@${version}.schema.json`,
  schema: s,
  compatibility,
});
// Closed: adding an optional field is compatible; removing one is not.
const V1 = schema(1, {
  type: 'object',
  properties: { seq: { type: 'integer' }, note: { type: 'string' } },
  additionalProperties: false,
});
const V2 = schema(2, {
  type: 'object',
  properties: { seq: { type: 'integer' }, note: { type: 'string' }, tag: { type: 'string' } },
  additionalProperties: false,
});
const V3 = schema(
  3,
  { type: 'object', properties: { seq: { type: 'integer' } }, additionalProperties: false },
  'FORWARD',
);
const SCHEMAS = [V1, V2, V3];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-written-unit-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function graphWith(type: string, config: Record<string, unknown>): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'g',
    nodes: [{ id: 'out', type, position: { x: 0, y: 0 }, config }],
    edges: [],
  } as GraphFile;
}
const check = (g: GraphFile, timeoutMs?: number) =>
  checkWrittenContracts(g, {
    graphPath: path.join(dir, 'g.sluice.json'),
    schemas: SCHEMAS,
    env: {},
    ...(timeoutMs ? { timeoutMs } : {}),
  });

describe('the record of contracts written', () => {
  it('a file: a sidecar beside it, forgotten once the file is empty', () => {
    const file = path.join(dir, 'a.jsonl');
    recordFileContract(file, 'orders@1', 1000);
    expect(readFileContracts(file)).toEqual([]); // missing: holds nothing
    fs.writeFileSync(file, '{"seq":1}\n');
    recordFileContract(file, 'orders@1', 2000);
    recordFileContract(file, 'orders@2', 3000);
    recordFileContract(file, 'orders@1', 4000);
    expect(readFileContracts(file)).toEqual([
      { contract: 'orders@1', firstAt: 1000, lastAt: 4000 },
      { contract: 'orders@2', firstAt: 3000, lastAt: 3000 },
    ]);
    fs.writeFileSync(file, '');
    recordFileContract(file, 'orders@2', 5000);
    fs.writeFileSync(file, '{"seq":2}\n');
    expect(readFileContracts(file)).toEqual([{ contract: 'orders@2', firstAt: 5000, lastAt: 5000 }]);
    fs.writeFileSync(contractSidecarOf(file), 'not json');
    expect(readFileContracts(file)).toEqual([]);
  });

  it('a SQLite table: _sluice_contracts beside it, forgotten once the table is empty', () => {
    const dbPath = path.join(dir, 'a.db');
    const db = new BetterSqlite3(dbPath);
    db.exec('CREATE TABLE orders (key TEXT, time REAL, value TEXT)');
    recordTableContract(db, 'orders', 'orders@1', 1000);
    db.exec(`INSERT INTO orders VALUES ('a', 1, '{}')`);
    recordTableContract(db, 'orders', 'orders@2', 2000);
    expect(readTableContracts(dbPath, 'orders').map((w) => w.contract)).toEqual(['orders@1', 'orders@2']);
    expect(readTableContracts(dbPath, 'other')).toEqual([]);
    db.exec('DELETE FROM orders');
    expect(readTableContracts(dbPath, 'orders')).toEqual([]);
    recordTableContract(db, 'orders', 'orders@3', 3000);
    db.exec(`INSERT INTO orders VALUES ('a', 1, '{}')`);
    expect(readTableContracts(dbPath, 'orders').map((w) => w.contract)).toEqual(['orders@3']);
    db.close();
    expect(readTableContracts(path.join(dir, 'missing.db'), 'orders')).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'missing.db'))).toBe(false);
  });
});

describe('checkWrittenContracts', () => {
  const file = () => path.join(dir, 'held.jsonl');
  afterEach(() => {
    fs.rmSync(file(), { force: true });
    fs.rmSync(contractSidecarOf(file()), { force: true });
  });
  const holding = (...refs: string[]): void => {
    fs.writeFileSync(file(), '{"seq":1}\n');
    refs.forEach((r, i) => recordFileContract(file(), r, Date.UTC(2026, 0, 1 + i)));
  };

  it('a compatible newer version, the same version, an empty target: nothing', async () => {
    holding('orders@1');
    expect(await check(graphWith('sink.file', { path: 'held.jsonl', contract: 'orders@2' }))).toEqual([]);
    expect(await check(graphWith('sink.file', { path: 'held.jsonl', contract: 'orders@1' }))).toEqual([]);
    fs.writeFileSync(file(), '');
    expect(await check(graphWith('sink.file', { path: 'held.jsonl', contract: 'orders@3' }))).toEqual([]);
  });

  it("an incompatible change under the newer version's mode is an error naming both and the change", async () => {
    // v3 (FORWARD) removed `note`: a consumer on v2 reads v3 events, so FORWARD holds, whichever
    // of the two the target holds and the sink writes (the newer one's mode decides).
    holding('orders@2');
    expect(await check(graphWith('sink.file', { path: 'held.jsonl', contract: 'orders@3' }))).toEqual([]);
    holding('orders@3');
    expect(await check(graphWith('sink.file', { path: 'held.jsonl', contract: 'orders@2' }))).toEqual([]);
    // Declared BACKWARD, the same change breaks: a closed v3 refuses v2 events carrying `note`.
    const strict = [V1, V2, { ...V3, compatibility: 'BACKWARD' as const }];
    holding('orders@2');
    const problems = await checkWrittenContracts(graphWith('sink.file', { path: 'held.jsonl', contract: 'orders@3' }), {
      graphPath: path.join(dir, 'g.sluice.json'),
      schemas: strict,
      env: {},
    });
    expect(problems).toEqual([
      {
        severity: 'error',
        nodeId: 'out',
        field: 'contract',
        message:
          'Node "out" writes orders@3 into file held.jsonl, which holds orders@2 events (written since 2026-01-01): ' +
          `orders@3 is not BACKWARD compatible with orders@2: ${problems[0]?.message.split(': ').slice(2).join(': ')}`,
      },
    ]);
    expect(problems[0]!.message).toMatch(/`note`.*: a consumer on v3 cannot read v2 events\. Write to a new target/);
  });

  it('events of another contract are a warning; a version schemas/ lacks is not checked', async () => {
    holding('customers@1', 'orders@9');
    const problems = await check(graphWith('sink.file', { path: 'held.jsonl', contract: 'orders@1' }));
    expect(problems.map((p) => p.severity).sort()).toEqual(['info', 'warning']);
    expect(problems.find((p) => p.severity === 'warning')!.message).toContain('holds events of customers@1');
    expect(problems.find((p) => p.severity === 'info')!.message).toContain('schemas/ has no orders@9');
  });

  it('a server that accepts and never answers is "could not check" within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      const problems = await check(
        {
          ...graphWith('sink.postgres', { url: `postgres://u@127.0.0.1:${port}/db`, table: 't', contract: 'orders@1' }),
          nodes: [
            {
              id: 'pg',
              type: 'sink.postgres',
              position: { x: 0, y: 0 },
              config: { url: `postgres://u@127.0.0.1:${port}/db`, table: 't', contract: 'orders@1' },
            },
            {
              id: 'bus',
              type: 'sink.nats',
              position: { x: 0, y: 0 },
              config: { url: `nats://127.0.0.1:${port}`, subject: 's', contract: 'orders@1' },
            },
          ],
        } as GraphFile,
        300,
      );
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(problems).toHaveLength(2);
      for (const p of problems) {
        expect(p.severity).toBe('info');
        expect(p.message).toMatch(/could not check which contracts .* holds: \S/);
        expect(p.message).not.toMatch(/\n\s+at /);
      }
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
