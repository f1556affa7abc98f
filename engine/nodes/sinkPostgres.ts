import type { BrokerRecord } from '../contract/connector.js';
import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, OperatorContext } from '../contract/operator.js';
import type { CompiledCode } from '../graph/expression.js';
import { compileExpression } from '../graph/expression.js';
import { BrokerSinkOperator } from './BrokerSink.js';
import { CONNECT_TIMEOUT_FIELD, TABLE_SINK_FIELDS, urlField } from './connectorFields.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/** `sink.postgres`: rows and a commit record in one transaction, exactly once like sink.sqlite (SPEC §10). */
export const sinkPostgres: NodeDescriptor = {
  type: 'sink.postgres',
  title: 'PostgreSQL sink',
  category: 'sink',
  doc:
    'Writes each event as a row (key, time, value as JSONB) into a PostgreSQL table, appending or ' +
    'upserting on the key. Exactly once: the rows a checkpoint covers are written after it completes, ' +
    'in one transaction with a commit record (table _sluice_commits), so a resend after a crash adds nothing.',
  config: {
    url: urlField('postgres://user:${env:PGPASSWORD}@127.0.0.1:5432/db'),
    ...TABLE_SINK_FIELDS,
    connectTimeoutMs: CONNECT_TIMEOUT_FIELD,
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
    if (typeof table === 'string' && table.toLowerCase().startsWith('_sluice')) {
      return [{ field: 'table', message: 'Tables starting with _sluice are Sluice’s own; choose another name.' }];
    }
    return [];
  },
  create: (ctx) => new PostgresSinkOperator(ctx),
};

class PostgresSinkOperator extends BrokerSinkOperator {
  private readonly keyFn: CompiledCode | null;
  private readonly upsert: boolean;

  constructor(ctx: OperatorContext) {
    super(ctx, 'postgres');
    const k = ctx.config.keyExpression;
    this.keyFn = typeof k === 'string' && k.trim() !== '' ? compileExpression(k, EVENT_VARS) : null;
    this.upsert = ctx.config.mode === 'upsert';
  }

  override process(e: SluiceEvent, _port: string, out: Emitter): void {
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
    // Upsert needs a key: an event without one is the graph's problem, not the table's.
    if (this.upsert && key === null) {
      userCodeFailed(this.ctx, out, e, new Error('upsert mode needs a key; this event has none'));
      return;
    }
    const r: BrokerRecord = { id: e.id, key, time: e.time, payload: JSON.stringify(e.value) ?? 'null' };
    this.add(r);
  }
}
