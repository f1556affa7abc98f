import type { Database, Statement } from 'better-sqlite3';
import type { BrokerRecord } from '../contract/connector.js';

/** A record in the outbox: its place (`seq`, only growing) and the checkpoint that staged it. */
export interface OutboxRecord extends BrokerRecord {
  seq: number;
  checkpointId: number;
}

/**
 * A connector sink's records between the barrier and the broker's confirmation (SPEC §10):
 *   1. `append`: written since the last barrier (not durable yet: a crash replays them);
 *   2. `stage(n)`: at barrier n, everything appended becomes checkpoint n's, durably (one
 *      FULL transaction). Rows of a checkpoint that never completes are dropped on restore;
 *   3. `next(upTo)`: what completed checkpoints staged, in order, for the sender;
 *   4. `confirm(seq)`: the broker has it: the rows go.
 * A row stays until the broker confirmed it, so after a crash it is sent again with the same id.
 */
export interface Outbox {
  append(records: readonly BrokerRecord[]): void;
  stage(checkpointId: number, records: readonly BrokerRecord[]): void;
  /** Staged records of checkpoints ≤ `upTo` after `afterSeq`, oldest first, at most `max`. */
  next(upTo: number, afterSeq: number, max: number): OutboxRecord[];
  /** Remove every row up to `seq` (sent and confirmed). */
  confirm(seq: number): void;
  /** Rows not confirmed yet (appended, staged or in flight). */
  readonly size: number;
  close(): void;
}

/** Rows per multi-row INSERT (7 parameters each, well under SQLite's limit). */
const CHUNK = 100;

/**
 * The outbox in the run's state store (table `outbox`, schema version 2), on the worker's
 * attached connection. Opening it brings it in line with the restored checkpoint: rows staged
 * after it, or never staged, are dropped (their events are replayed from the sources).
 */
export class SqliteOutbox implements Outbox {
  private readonly insertOne: Statement;
  private readonly insertChunk: Statement;
  private readonly stageStmt: Statement;
  private readonly nextStmt: Statement;
  private readonly confirmStmt: Statement;
  private count: number;

  constructor(
    private readonly db: Database,
    private readonly sinkId: string,
    restoredCheckpoint: number,
  ) {
    const cols = '(sink_id, checkpoint_id, id, key, time, payload, subject)';
    this.insertOne = db.prepare(`INSERT INTO outbox ${cols} VALUES (?, NULL, ?, ?, ?, ?, ?)`);
    this.insertChunk = db.prepare(
      `INSERT INTO outbox ${cols} VALUES ${new Array(CHUNK).fill('(?, NULL, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.stageStmt = db.prepare(`UPDATE outbox SET checkpoint_id = ? WHERE sink_id = ? AND checkpoint_id IS NULL`);
    this.nextStmt = db.prepare(
      `SELECT seq, checkpoint_id AS checkpointId, id, key, time, payload, subject FROM outbox
       WHERE sink_id = ? AND seq > ? AND checkpoint_id IS NOT NULL AND checkpoint_id <= ? ORDER BY seq LIMIT ?`,
    );
    this.confirmStmt = db.prepare(`DELETE FROM outbox WHERE sink_id = ? AND seq <= ? AND checkpoint_id IS NOT NULL`);
    db.transaction(() => {
      db.prepare(`DELETE FROM outbox WHERE sink_id = ? AND (checkpoint_id IS NULL OR checkpoint_id > ?)`).run(
        sinkId,
        restoredCheckpoint,
      );
    }).immediate();
    this.count = (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE sink_id = ?`).get(sinkId) as { n: number }).n;
  }

  get size(): number {
    return this.count;
  }

  /** One transaction without fsync: the barrier's FULL transaction makes it durable with it. */
  append(records: readonly BrokerRecord[]): void {
    if (records.length === 0) return;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => this.insert(records)).immediate();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  stage(checkpointId: number, records: readonly BrokerRecord[]): void {
    this.db
      .transaction(() => {
        this.insert(records);
        this.stageStmt.run(checkpointId, this.sinkId);
      })
      .immediate();
  }

  next(upTo: number, afterSeq: number, max: number): OutboxRecord[] {
    const rows = this.nextStmt.all(this.sinkId, afterSeq, upTo, max) as Array<
      OutboxRecord & { subject: string | null }
    >;
    for (const r of rows) if (r.subject === null) delete (r as { subject?: string | null }).subject;
    return rows;
  }

  confirm(seq: number): void {
    this.count -= this.confirmStmt.run(this.sinkId, seq).changes;
  }

  close(): void {}

  private insert(records: readonly BrokerRecord[]): void {
    const sink = this.sinkId;
    const params: unknown[] = [];
    let i = 0;
    for (; i + CHUNK <= records.length; i += CHUNK) {
      params.length = 0;
      for (let j = i; j < i + CHUNK; j++) {
        const r = records[j]!;
        params.push(sink, r.id, r.key, r.time, r.payload, r.subject ?? null);
      }
      this.insertChunk.run(params);
    }
    for (; i < records.length; i++) {
      const r = records[i]!;
      this.insertOne.run(sink, r.id, r.key, r.time, r.payload, r.subject ?? null);
    }
    this.count += records.length;
  }
}

/**
 * The outbox of a run without a state store (an unsaved graph, tests): the same order and
 * confirmation, in memory, so a broker that goes away mid-run still loses nothing the run
 * committed; a crash of the process does.
 */
export class MemoryOutbox implements Outbox {
  private rows: OutboxRecord[] = [];
  private unstaged: BrokerRecord[] = [];
  private seq = 0;

  get size(): number {
    return this.rows.length + this.unstaged.length;
  }

  append(records: readonly BrokerRecord[]): void {
    for (const r of records) this.unstaged.push(r);
  }

  stage(checkpointId: number, records: readonly BrokerRecord[]): void {
    for (const r of [...this.unstaged, ...records]) this.rows.push({ ...r, seq: ++this.seq, checkpointId });
    this.unstaged = [];
  }

  next(upTo: number, afterSeq: number, max: number): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    for (const r of this.rows) {
      if (out.length >= max || r.checkpointId > upTo) break;
      if (r.seq > afterSeq) out.push(r);
    }
    return out;
  }

  confirm(seq: number): void {
    let n = 0;
    while (n < this.rows.length && this.rows[n]!.seq <= seq) n++;
    this.rows = this.rows.slice(n);
  }

  close(): void {}
}
