// The standard pipeline of issue 12's table, as a Sluice graph and as the plain single-threaded
// loop a person would write for the same work: generator (100 keys) → map (amount) → filter
// (even sequence numbers) → keyed running sum → optional sink, one output line or row per event
// that passes the filter ({ key, op, value, count }, what `aggregate` emits).
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';

export const KEYS = 100;
const MAP = '({ seq: value.seq, amount: value.seq % 97 })';
const FILTER = 'value.seq % 2 === 0';
/** Rows per SQLite transaction in the plain loop, as the baseline; lines per write() for the file. */
const CHUNK = 4096;

/** `sink`: 'none' | 'file' | 'sqlite'. Paths are relative to the graph's folder. */
export function pipelineGraph(count, sink) {
  const nodes = [
    { id: 'gen', type: 'source.generator', config: { count, keys: KEYS } },
    { id: 'price', type: 'map', config: { expression: MAP } },
    { id: 'even', type: 'filter', config: { predicate: FILTER } },
    { id: 'total', type: 'aggregate', config: { op: 'sum', field: 'value.amount' } },
  ];
  if (sink === 'file') nodes.push({ id: 'out', type: 'sink.file', config: { path: 'out/totals.jsonl' } });
  if (sink === 'sqlite')
    nodes.push({ id: 'out', type: 'sink.sqlite', config: { path: 'out/totals.db', table: 'totals', mode: 'append' } });
  const edges = [];
  for (let i = 1; i < nodes.length; i++)
    edges.push({ id: `e${i}`, from: { node: nodes[i - 1].id, port: 'out' }, to: { node: nodes[i].id, port: 'in' } });
  return {
    format: 'sluice/graph',
    version: 1,
    name: `Standard pipeline (${sink})`,
    settings: { checkpointIntervalMs: 1000, defaultEdgeCapacity: 1024 },
    nodes,
    edges,
  };
}

/**
 * The same work in one loop: the same event objects, the same map and filter, the same sums,
 * and, per output, the same JSON line (`file`: written 4,096 lines at a time, one fsync at the
 * end) or the same row (`sqlite`: WAL, synchronous=FULL, 4,096 rows a transaction, as
 * sink.sqlite's append table). Returns { eventsPerSec, cpuSeconds, outputs }.
 */
export function plainPipeline(count, sink, outPath) {
  const keyNames = Array.from({ length: KEYS }, (_, k) => 'k' + k);
  const totals = new Map();
  let fd = -1;
  let db = null;
  let insertChunk = null;
  if (sink === 'file') fd = fs.openSync(outPath, 'w');
  if (sink === 'sqlite') {
    db = new BetterSqlite3(outPath);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE totals (key TEXT, time REAL NOT NULL, value TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO totals (key, time, value) VALUES (?, ?, ?)');
    insertChunk = db.transaction((rows) => {
      for (const r of rows) insert.run(r.key, r.time, r.value);
    });
  }
  const pending = [];
  let outputs = 0;
  let checksum = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const e = { id: 'gen-' + i, key: keyNames[i % KEYS], time: now, value: { seq: i }, emittedAt: now };
    const m = {
      id: e.id,
      key: e.key,
      time: e.time,
      value: { seq: e.value.seq, amount: e.value.seq % 97 },
      emittedAt: 0,
    };
    if (!(m.value.seq % 2 === 0)) continue;
    let acc = totals.get(m.key);
    if (acc === undefined) totals.set(m.key, (acc = { count: 0, sum: 0 }));
    acc.count++;
    acc.sum += m.value.amount;
    const value = { key: m.key, op: 'sum', value: acc.sum, count: acc.count };
    outputs++;
    if (sink === 'none') {
      checksum += value.count; // keep the output alive, as a sink would
      continue;
    }
    if (sink === 'file') pending.push(JSON.stringify(value));
    else pending.push({ key: m.key, time: m.time, value: JSON.stringify(value) });
    if (pending.length === CHUNK) flush();
  }
  flush();
  if (fd >= 0) {
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  db?.close();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { eventsPerSec: count / seconds, cpuSeconds: (c.user + c.system) / 1e6, outputs, checksum };

  function flush() {
    if (pending.length === 0) return;
    if (fd >= 0) fs.writeSync(fd, pending.join('\n') + '\n');
    else insertChunk(pending);
    pending.length = 0;
  }
}
