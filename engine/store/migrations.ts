import type { Database } from 'better-sqlite3';
import { UserError } from '../contract/operator.js';

/** One step of the state store's schema. Steps run in order, each in its own transaction. */
export interface Migration {
  /** The schema version after this step (1, 2, 3, … with no gaps). */
  version: number;
  description: string;
  up(db: Database): void;
}

/**
 * The state store schema, oldest first. Append a step to change it; never edit a released one,
 * because stores written by older Sluice versions replay these steps on open.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'checkpoints, snapshots, sink commits, dead letters',
    up(db) {
      db.exec(`
        -- One row per completed checkpoint: written in the same transaction as its snapshots,
        -- so a row here means every snapshot of it is durable.
        CREATE TABLE checkpoints (
          id           INTEGER PRIMARY KEY,
          started_at   REAL    NOT NULL,
          completed_at REAL,
          duration_ms  REAL,
          bytes        INTEGER NOT NULL
        );
        -- One row per operator instance per checkpoint. Source offsets are the sources'
        -- snapshots; pending sink output is the sinks'. 'state' is set to NULL once the
        -- checkpoint is older than the retained ones; the row stays for the history.
        CREATE TABLE snapshots (
          checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
          operator_id   TEXT    NOT NULL,
          instance      INTEGER NOT NULL,
          node_id       TEXT    NOT NULL,
          type          TEXT    NOT NULL,
          config_hash   TEXT    NOT NULL,
          state         BLOB,
          checksum      INTEGER,
          bytes         INTEGER NOT NULL,
          PRIMARY KEY (checkpoint_id, operator_id, instance)
        );
        -- The last commit of each transactional sink whose record lives in this store.
        CREATE TABLE sink_commits (
          operator_id   TEXT    PRIMARY KEY,
          checkpoint_id INTEGER NOT NULL,
          info          TEXT    NOT NULL,
          committed_at  REAL    NOT NULL
        );
        CREATE TABLE dead_letters (
          id       INTEGER PRIMARY KEY AUTOINCREMENT,
          node_id  TEXT    NOT NULL,
          error    TEXT    NOT NULL,
          event    TEXT    NOT NULL,
          time     REAL    NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 1
        );
      `);
    },
  },
  {
    version: 2,
    description: 'the outbox of connector sinks',
    up(db) {
      db.exec(`
        -- Records of connector sinks (sink.nats, sink.redis, …) between a checkpoint and their
        -- broker's confirmation (SPEC §10). checkpoint_id NULL: written since the last barrier,
        -- not staged yet. A row staged by a checkpoint that never completed is dropped on
        -- restore; a row of a completed one stays until the broker confirmed it, so a crash
        -- in between sends it again, with the same id.
        CREATE TABLE outbox (
          seq           INTEGER PRIMARY KEY AUTOINCREMENT,
          sink_id       TEXT    NOT NULL,
          checkpoint_id INTEGER,
          id            TEXT    NOT NULL,
          key           TEXT,
          time          REAL    NOT NULL,
          payload       TEXT    NOT NULL,
          subject       TEXT
        );
        CREATE INDEX outbox_by_sink ON outbox (sink_id, seq);
      `);
    },
  },
];

/** The schema version this Sluice writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The schema version recorded in `meta`, or 0 for a store that has none yet. */
export function readSchemaVersion(db: Database): number {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get();
  if (!hasMeta) return 0;
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/**
 * Bring the store at `path` to `SCHEMA_VERSION`:
 *   1. refuse a store from a newer Sluice (its data may mean something we do not know);
 *   2. create `meta` if missing;
 *   3. run each step above the current version in its own transaction, recording the version
 *      in the same transaction, so a crash mid-migration resumes at the failed step.
 */
export function migrate(db: Database, path: string, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = readSchemaVersion(db);
  assertKnownVersion(current, path, migrations[migrations.length - 1]?.version ?? 0);
  db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  const setVersion = db.prepare(
    `INSERT INTO meta (key, value) VALUES ('schema_version', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  for (const step of migrations) {
    if (step.version <= current) continue;
    db.transaction(() => {
      step.up(db);
      setVersion.run(String(step.version));
    })();
  }
}

/** Throw a clear `UserError` if `version` was written by a newer Sluice. */
export function assertKnownVersion(version: number, path: string, known: number = SCHEMA_VERSION): void {
  if (version > known) {
    throw new UserError(
      `state store ${path} was written by a newer Sluice (schema version ${version}; this Sluice knows up to ${known}); update Sluice or use another --state`,
    );
  }
}
