import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import { valueJson } from '../contract/event.js';
import type { Emitter, OperatorContext, SqliteRow } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { TwoPhaseSink, type TwoPhaseTarget } from './stagedBatches.js';
import { TABLE_SINK_FIELDS } from './connectorFields.js';
import { userCodeFailed } from './userCodeFailed.js';

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
    ...TABLE_SINK_FIELDS,
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

class SqliteSinkOperator extends TwoPhaseSink<SqliteRow> {
  private readonly keyFn: EventExpression | null;

  constructor(private readonly ctx: OperatorContext) {
    super();
    const k = ctx.config.keyExpression;
    this.keyFn = typeof k === 'string' && k.trim() !== '' ? compileEventExpression(k) : null;
  }

  protected connect(): TwoPhaseTarget<SqliteRow> {
    const c = this.ctx.config;
    const path = typeof c.path === 'string' && c.path !== '' ? this.ctx.io.resolvePath(c.path) : undefined;
    const contract = typeof c.contract === 'string' ? c.contract : undefined;
    return this.ctx.io.openSqliteTable(path, String(c.table), c.mode === 'upsert' ? 'upsert' : 'append', contract);
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let key = e.key;
    if (this.keyFn !== null) {
      try {
        const k = this.keyFn(e);
        key = k === null || k === undefined ? null : String(k);
      } catch (err) {
        userCodeFailed(this.ctx, out, e, err);
        return;
      }
    }
    this.add({ key, time: e.time, value: valueJson(e) });
  }
}
