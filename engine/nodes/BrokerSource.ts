import type { BrokerMessage, BrokerReader, ConnectorKind, ConnectorStatus } from '../contract/connector.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, OperatorContext, PollResult, SourceOperator } from '../contract/operator.js';
import { UserError } from '../contract/operator.js';
import type { CompiledCode } from '../graph/expression.js';
import { compileExpression } from '../graph/expression.js';
import { MESSAGE_VARS } from './connectorFields.js';
import { userCodeFailed } from './userCodeFailed.js';

/** An idle source is polled at least this often, so a status change is seen without a wake. */
const IDLE_RECHECK_MS = 500;

/**
 * The operator every connector source shares (SPEC §10). The platform is behind `ctx.io`: this
 * file only turns messages into events and ties the reader to the checkpoint lifecycle:
 *   poll → `take` → events (id from the broker position, key and time from the config);
 *   snapshot(n) → `mark(n)`: the position to resume after; restore → the reader opens there;
 *   onCheckpointComplete(n) → `acknowledge(n)` (never sooner).
 * A payload that is not JSON (format json) goes to the `error` port or the dead letters.
 */
export class BrokerSourceOperator implements SourceOperator {
  readonly kind = 'source' as const;
  private reader: BrokerReader | null = null;
  private resumeFrom: unknown = null;
  private readonly json: boolean;
  /** Payloads are whole events `{ id, key, time, value }` (a sink's `envelope`, a broker topic). */
  private readonly envelope: boolean;
  private readonly keyFn: CompiledCode | null;
  private readonly timeFn: CompiledCode | null;

  constructor(
    private readonly ctx: OperatorContext,
    private readonly connector: ConnectorKind,
  ) {
    const c = ctx.config;
    this.json = c.format !== 'text';
    this.envelope = this.json && c.envelope === true;
    this.keyFn = compiled(c.keyExpression);
    this.timeFn = compiled(c.timeExpression);
  }

  // Opened at the first poll: the runtime restores after `open`, and the reader starts there.
  private openReader(): BrokerReader {
    this.reader ??= this.ctx.io.openBrokerReader({
      kind: this.connector,
      config: this.ctx.config,
      resumeFrom: this.resumeFrom,
      onReadable: () => this.ctx.wake(),
    });
    return this.reader;
  }

  poll(budget: number, out: Emitter): PollResult {
    const reader = this.openReader();
    const messages = reader.take(budget);
    if (messages.length === 0) {
      const status = reader.status();
      if (status.state === 'failed') throw new UserError(status.error ?? `the ${this.connector} connection failed`);
      if (reader.ended) return 'end';
      this.ctx.setTimer(this.ctx.now() + IDLE_RECHECK_MS);
      return 'idle';
    }
    const now = this.ctx.now();
    for (let i = 0; i < messages.length; i++) this.emitMessage(messages[i] as BrokerMessage, now, out);
    return 'more';
  }

  private emitMessage(m: BrokerMessage, now: number, out: Emitter): void {
    let value: unknown = m.payload;
    const time = m.time ?? now;
    if (this.json) {
      try {
        value = JSON.parse(m.payload);
      } catch (err) {
        const raw: SluiceEvent = { id: m.id, key: null, time, value: m.payload, emittedAt: now };
        userCodeFailed(this.ctx, out, raw, new Error(`the payload on ${m.subject} is not JSON: ${message(err)}`));
        return;
      }
    }
    let key: string | null = null;
    let t = time;
    if (this.envelope && isEnvelope(value)) {
      key = typeof value.key === 'string' ? value.key : null;
      if (typeof value.time === 'number' && Number.isFinite(value.time)) t = value.time;
      value = value.value;
    }
    try {
      if (this.keyFn !== null) {
        const k = this.keyFn(value, m.subject, m.headers);
        key = k === null || k === undefined ? null : typeof k === 'string' ? k : JSON.stringify(k);
      }
      if (this.timeFn !== null) {
        const v = this.timeFn(value, m.subject, m.headers);
        const n = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
        if (Number.isFinite(n)) t = n;
      }
    } catch (err) {
      userCodeFailed(this.ctx, out, { id: m.id, key: null, time, value, emittedAt: now }, err);
      return;
    }
    out.emit('out', { id: m.id, key, time: t, value, emittedAt: now });
  }

  /** Nothing to do: the timer only makes the runtime poll again. */
  onTimer(): void {}

  snapshot(checkpointId: number): unknown {
    return { position: this.reader ? this.reader.mark(checkpointId) : this.resumeFrom };
  }

  restore(state: unknown): void {
    const s = state as { position?: unknown } | null;
    this.resumeFrom = s?.position ?? null;
    if (this.reader !== null) {
      this.reader.close();
      this.reader = null;
    }
  }

  onCheckpointComplete(checkpointId: number): void {
    this.reader?.acknowledge(checkpointId);
  }

  /** At the run's end: the last acknowledgements reach the broker before the worker goes. */
  settle(ms: number): Promise<boolean> {
    return this.reader?.settle?.(ms) ?? Promise.resolve(true);
  }

  connectorStatus(): ConnectorStatus | null {
    return this.reader?.status() ?? null;
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
  }
}

function compiled(source: unknown): CompiledCode | null {
  return typeof source === 'string' && source.trim() !== '' ? compileExpression(source, MESSAGE_VARS) : null;
}

function isEnvelope(v: unknown): v is { key?: unknown; time?: unknown; value: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
