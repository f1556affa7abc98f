import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext, SqliteRow, TransactionalTable } from '../contract/operator.js';
import type { CompiledCode } from '../graph/expression.js';
import { compileExpression } from '../graph/expression.js';
import { StagedBatches } from './stagedBatches.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/**
 * `sink.sqlite`: rows `(key, time, value JSON)`, exactly once through the same staging as
 * `sink.file`. Its optional `keyExpression` is user code, so it has an `error` port (SPEC §4:
 * every node that runs user code does); an unconnected one dead-letters.
 */
export const sinkSqlite: NodeDescriptor = {
  type: 'sink.sqlite',
  title: 'SQLite sink',
  category: 'sink',
  doc:
    'Writes each event as a row (key, time, value as JSON) into a SQLite table, appending or ' +
    "upserting on the key. Without a path it writes into the run's state database. Exactly once: " +
    'rows are committed with the checkpoint that covers them.',
  config: {
    path: {
      kind: 'path',
      label: 'Database',
      doc: "The SQLite file; relative to the graph file. Empty: the run's state database.",
    },
    table: { kind: 'string', label: 'Table', doc: 'The table to write; created if missing.', required: true },
    mode: {
      kind: 'enum',
      values: ['append', 'upsert'],
      label: 'Mode',
      doc: 'Add every event as a row, or keep one row per key.',
      default: 'append',
    },
    keyExpression: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Row key',
      doc: 'The key column, e.g. `value.orderId`. Empty: the event key.',
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['error'] }),
  runsUserCode: true,
  changesKey: false,
  blocking: true,
  check(config) {
    const table = config.table;
    if (typeof table === 'string' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
      return [
        { field: 'table', message: 'The table name may use letters, digits and _ and must not start with a digit.' },
      ];
    }
    return [];
  },
  create: (ctx) => new SqliteSinkOperator(ctx),
};

class SqliteSinkOperator implements Operator {
  private readonly batches = new StagedBatches<SqliteRow>();
  private table: TransactionalTable | null = null;
  private readonly keyFn: CompiledCode | null;

  private readonly write = (rows: SqliteRow[]): void => this.openTable().write(rows);

  constructor(private readonly ctx: OperatorContext) {
    const k = ctx.config.keyExpression;
    this.keyFn = typeof k === 'string' && k.trim() !== '' ? compileExpression(k, EVENT_VARS) : null;
  }

  open(): void {
    this.openTable();
  }

  private openTable(): TransactionalTable {
    if (this.table === null) {
      const c = this.ctx.config;
      const path = typeof c.path === 'string' && c.path !== '' ? this.ctx.io.resolvePath(c.path) : undefined;
      this.table = this.ctx.io.openSqliteTable(path, String(c.table), c.mode === 'upsert' ? 'upsert' : 'append');
    }
    return this.table;
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let key = e.key;
    if (this.keyFn !== null) {
      try {
        const k = this.keyFn(e.value, e.key, e.time, e);
        key = k === null || k === undefined ? null : String(k);
      } catch (err) {
        userCodeFailed(this.ctx, out, e, err);
        return;
      }
    }
    this.batches.add({ key, time: e.time, value: JSON.stringify(e.value) ?? 'null' }, this.write);
  }

  /** Stages the rows since the last barrier in the io layer; the checkpoint holds nothing. */
  snapshot(checkpointId: number): unknown {
    const table = this.openTable();
    this.batches.stageTo(checkpointId, (id, rows) => table.stage(id, rows));
    return undefined;
  }

  onCheckpointComplete(checkpointId: number): void {
    this.openTable().commit(checkpointId);
  }

  restore(state: unknown): void {
    const table = this.openTable();
    this.batches.restoreLegacy(state, (id, rows) => table.stage(id, rows));
  }

  stateSize(): number {
    return this.batches.size();
  }

  close(): void {
    this.table?.close();
    this.table = null;
  }
}
