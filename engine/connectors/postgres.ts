import type pg from 'pg';

/** The client, loaded at the first connection (see nats.ts: loading every client costs). */
let loading: Promise<typeof import('pg')> | null = null;
import type { BrokerWriter, BrokerWriterOptions } from '../contract/connector.js';
import { UserError } from '../contract/operator.js';
import type { ConnectorEnv, ConnectorFactory } from './ConnectorFactory.js';
import { causeOf, ConnectorError } from './ConnectorError.js';
import { startTimeoutOf, textOf } from './connectorConfig.js';
import type { OutboxRecord } from './Outbox.js';
import { OutboxWriter } from './OutboxWriter.js';
import { redactUrl } from './redactUrl.js';
import { CONTRACTS_TABLE } from '../contracts/common/writtenContract.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Rows per INSERT (3 parameters each). */
const ROWS_PER_BATCH = 1000;

/**
 * PostgreSQL as a sink (SPEC §10), with `pg` (node-postgres: the field's client, pure JS, typed
 * through @types/pg). Exactly once like `sink.sqlite`: each batch from the outbox lands in ONE
 * transaction with its commit record `_sluice_commits (sink_id, store_id, last_seq)`, so after a
 * crash anywhere a resent batch skips what the record says is in (rows with a lower outbox seq).
 */
export const postgresConnector: ConnectorFactory = {
  kind: 'postgres',
  openWriter: (options, env) => openPostgresWriter(options, env),
  probe: async (url, timeoutMs) => {
    const { default: Pg } = await (loading ??= import('pg'));
    const client = new Pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (err) {
      throw classify(err);
    } finally {
      await client.end().catch(() => {});
    }
  },
};

/** SQLSTATEs no retry fixes: refused login, unknown database or role, bad names, permissions. */
const PERMANENT_CODES = new Set(['28P01', '28000', '3D000', '42501', '42P01', '42601', '42703', '42804', '22P02']);

function classify(err: unknown): Error {
  if (err instanceof ConnectorError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && PERMANENT_CODES.has(code)) {
    const what = code.startsWith('28') ? 'login refused: ' : '';
    return new ConnectorError(`${what}${causeOf(err)}`, true);
  }
  return err instanceof Error ? err : new Error(causeOf(err));
}

function openPostgresWriter(o: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter {
  const url = textOf(o.config, 'url') ?? 'postgres://127.0.0.1:5432/postgres';
  const table = textOf(o.config, 'table') ?? '';
  const upsert = o.config.mode === 'upsert';
  const timeout = startTimeoutOf(o.config);
  if (!IDENTIFIER.test(table)) throw new UserError(`${env.node}: table name “${table}” is not allowed`);
  const quoted = `"${table}"`;
  // The sink's contract, recorded with the first rows each connection writes (writtenContracts).
  const contract = textOf(o.config, 'contract');
  const recorded = new WeakSet<pg.Client>();
  return new OutboxWriter<pg.Client>(
    {
      where: `PostgreSQL at ${redactUrl(url)}`,
      startTimeoutMs: timeout,
      open: async () => {
        const { default: Pg } = await (loading ??= import('pg'));
        const client = new Pg.Client({ connectionString: url, connectionTimeoutMillis: Math.min(timeout, 10_000) });
        // Without a listener a dropped socket is an uncaught error; the next send finds it closed.
        client.on('error', () => {});
        try {
          await client.connect();
          await ensureTables(client, quoted, upsert);
        } catch (err) {
          await client.end().catch(() => {});
          throw classify(err);
        }
        return client;
      },
      shut: (c) => c.end(),
      changed: () => {},
    },
    env.outbox(),
    {
      batchSize: ROWS_PER_BATCH,
      async send(client, batch) {
        try {
          const record = contract !== undefined && !recorded.has(client) ? { table, contract } : null;
          await sendBatch(client, quoted, upsert, env, batch, record);
          if (record) recorded.add(client);
        } catch (err) {
          throw classify(err);
        }
      },
    },
  );
}

async function ensureTables(client: pg.Client, quoted: string, upsert: boolean): Promise<void> {
  await client.query(
    upsert
      ? `CREATE TABLE IF NOT EXISTS ${quoted} (key TEXT PRIMARY KEY, time DOUBLE PRECISION NOT NULL, value JSONB NOT NULL)`
      : `CREATE TABLE IF NOT EXISTS ${quoted} (key TEXT, time DOUBLE PRECISION NOT NULL, value JSONB NOT NULL)`,
  );
  await client.query(`CREATE TABLE IF NOT EXISTS _sluice_commits (
    sink_id TEXT NOT NULL, store_id TEXT NOT NULL, last_seq BIGINT NOT NULL, checkpoint_id BIGINT NOT NULL,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (sink_id, store_id))`);
}

/**
 * Which contract wrote `table` (`_sluice_contracts`, as beside a SQLite sink's table), in the
 * transaction of the rows: a table that held nothing before them forgets older contracts.
 */
async function recordContract(client: pg.Client, quoted: string, table: string, contract: string): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS ${CONTRACTS_TABLE} (
    tbl TEXT NOT NULL, contract TEXT NOT NULL, first_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (tbl, contract))`);
  const held = await client.query(`SELECT 1 FROM ${quoted} LIMIT 1`);
  if (held.rowCount === 0) await client.query(`DELETE FROM ${CONTRACTS_TABLE} WHERE tbl = $1`, [table]);
  await client.query(
    `INSERT INTO ${CONTRACTS_TABLE} (tbl, contract) VALUES ($1, $2)
     ON CONFLICT (tbl, contract) DO UPDATE SET last_at = now()`,
    [table, contract],
  );
}

/**
 * One transaction: lock this sink's commit record, insert the rows after it, move it to the
 * batch's last seq. Two instances never share a record (the sink id names the instance).
 */
async function sendBatch(
  client: pg.Client,
  quoted: string,
  upsert: boolean,
  env: ConnectorEnv,
  batch: readonly OutboxRecord[],
  record: { table: string; contract: string } | null = null,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO _sluice_commits (sink_id, store_id, last_seq, checkpoint_id) VALUES ($1, $2, 0, 0)
       ON CONFLICT (sink_id, store_id) DO NOTHING`,
      [env.sinkId, env.storeId],
    );
    const r = await client.query<{ last_seq: string }>(
      `SELECT last_seq FROM _sluice_commits WHERE sink_id = $1 AND store_id = $2 FOR UPDATE`,
      [env.sinkId, env.storeId],
    );
    const done = Number(r.rows[0]?.last_seq ?? 0);
    let rows = batch.filter((x) => x.seq > done);
    if (upsert) {
      // One statement may not touch a key twice: the last record of a key wins, as in order.
      const last = new Map<string, OutboxRecord>();
      for (const x of rows) {
        if (x.key === null) throw new ConnectorError('upsert mode got an event without a key', true);
        last.delete(x.key);
        last.set(x.key, x);
      }
      rows = [...last.values()];
    }
    if (rows.length > 0) {
      if (record) await recordContract(client, quoted, record.table, record.contract);
      const params: unknown[] = [];
      const values = rows.map((x, i) => {
        params.push(x.key, x.time, x.payload);
        return `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3}::jsonb)`;
      });
      await client.query(
        `INSERT INTO ${quoted} (key, time, value) VALUES ${values.join(', ')}` +
          (upsert ? ' ON CONFLICT (key) DO UPDATE SET time = EXCLUDED.time, value = EXCLUDED.value' : ''),
        params,
      );
    }
    const tail = batch[batch.length - 1]!;
    await client.query(
      `UPDATE _sluice_commits SET last_seq = GREATEST(last_seq, $3), checkpoint_id = GREATEST(checkpoint_id, $4),
         committed_at = now() WHERE sink_id = $1 AND store_id = $2`,
      [env.sinkId, env.storeId, tail.seq, tail.checkpointId],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
