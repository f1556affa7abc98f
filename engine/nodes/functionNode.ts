import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import { plainEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import type { CompiledCode } from '../graph/expression.js';
import { compileBody } from '../graph/expression.js';
import { userCodeFailed } from './userCodeFailed.js';

/** What the body sees: `event`, `ctx`, and for convenience `value`, `key`, `time` (SPEC §3). */
const FUNCTION_VARS = ['event', 'ctx', 'value', 'key', 'time'] as const;

/** Port names `outputs` may not take. */
const RESERVED_PORTS = new Set(['in', 'out', 'error']);

function extraOutputs(config: Record<string, unknown>): string[] {
  const list = Array.isArray(config.outputs) ? (config.outputs as unknown[]) : [];
  const ports: string[] = [];
  for (const p of list)
    if (typeof p === 'string' && p !== '' && !RESERVED_PORTS.has(p) && !ports.includes(p)) ports.push(p);
  return ports;
}

/**
 * `function`: a JS function body over `(event, ctx)`. Its outputs are collected and emitted only
 * once the body returns, so an event whose code throws emits nothing (it goes to `error` or the
 * dead letters instead). State written before the throw is kept.
 *
 * Output ids: a single output keeps the input's id; several outputs get `<id>/<n>` (n from 0),
 * so a replay after recovery produces the same ids and `dedupe` downstream still works.
 */
export const functionNode: NodeDescriptor = {
  type: 'function',
  title: 'Function',
  category: 'transform',
  doc:
    'Runs a JavaScript function body for each event. Return a value (the new value), an array ' +
    '(one event per element) or undefined (drop the event). `ctx.emit(value, { port, key, time })` ' +
    'sends more events, `ctx.state.get/set/delete(name)` keeps checkpointed state per key, and ' +
    '`ctx.log(...)` writes to the run log.',
  config: {
    code: {
      kind: 'code',
      vars: FUNCTION_VARS,
      label: 'Code',
      doc: 'The body of function (event, ctx). `value`, `key` and `time` are also in scope.',
      default: 'return value;',
    },
    outputs: {
      kind: 'stringList',
      label: 'Extra outputs',
      doc: 'More output ports, reached with ctx.emit(value, { port }).',
      default: [],
    },
  },
  ports: (config) => ({ inputs: ['in'], outputs: ['out', ...extraOutputs(config), 'error'] }),
  runsUserCode: true,
  changesKey: true,
  check(config) {
    const list = Array.isArray(config.outputs) ? (config.outputs as unknown[]) : [];
    const problems: Array<{ field?: string; message: string }> = [];
    const seen = new Set<string>();
    for (const p of list) {
      if (typeof p !== 'string' || p === '')
        problems.push({ field: 'outputs', message: 'Output port names must not be empty.' });
      else if (RESERVED_PORTS.has(p))
        problems.push({ field: 'outputs', message: `The output port "${p}" is reserved; choose another name.` });
      else if (seen.has(p)) problems.push({ field: 'outputs', message: `The output port "${p}" is listed twice.` });
      if (typeof p === 'string') seen.add(p);
    }
    return problems;
  },
  create: (ctx) => new FunctionOperator(ctx),
};

/** Options of `ctx.emit` in user code. */
interface EmitOptions {
  port?: string;
  key?: string | null;
  time?: number;
}

/**
 * The `ctx` user code gets. Made once per instance: it reads the operator's current event, so
 * no closure is built per event.
 */
class UserContext {
  readonly state: KeyedState;
  constructor(
    private readonly op: FunctionOperator,
    readonly nodeId: string,
  ) {
    this.state = new KeyedState(op);
  }
  emit(value: unknown, options?: EmitOptions): void {
    this.op.collect(value, options);
  }
  log(...args: unknown[]): void {
    this.op.ctx.log('info', args.map(logText).join(' '));
  }
}

/** `ctx.state`, scoped to the current event's key. */
class KeyedState {
  constructor(private readonly op: FunctionOperator) {}
  get(name: string): unknown {
    return this.op.store.get(this.op.current.key)?.get(String(name));
  }
  set(name: string, value: unknown): void {
    const key = this.op.current.key;
    let slot = this.op.store.get(key);
    if (slot === undefined) this.op.store.set(key, (slot = new Map()));
    slot.set(String(name), value);
  }
  delete(name: string): void {
    const key = this.op.current.key;
    const slot = this.op.store.get(key);
    if (slot === undefined) return;
    slot.delete(String(name));
    if (slot.size === 0) this.op.store.delete(key);
  }
}

function logText(x: unknown): string {
  if (typeof x === 'string') return x;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

const NO_EVENT: SluiceEvent = { id: '', key: null, time: 0, value: null, emittedAt: 0 };

class FunctionOperator implements Operator {
  readonly store = new Map<string | null, Map<string, unknown>>();
  current: SluiceEvent = NO_EVENT;
  private readonly fn: CompiledCode;
  private readonly userCtx: UserContext;
  private readonly ports: Set<string>;
  // Outputs of the current event, emitted once the body returns; reused across events.
  private readonly pendingPorts: string[] = [];
  private readonly pendingEvents: SluiceEvent[] = [];

  constructor(readonly ctx: OperatorContext) {
    this.fn = compileBody(String(ctx.config.code ?? ''), FUNCTION_VARS);
    this.userCtx = new UserContext(this, ctx.nodeId);
    this.ports = new Set(['out', 'error', ...extraOutputs(ctx.config)]);
  }

  /** Called by `ctx.emit` in user code. Throws (into the user's code) for an unknown port. */
  collect(value: unknown, options: EmitOptions | undefined): void {
    const e = this.current;
    const port = options?.port ?? 'out';
    if (!this.ports.has(port))
      throw new Error(`ctx.emit: there is no output port "${port}"; add it to the node's outputs`);
    const key =
      options !== undefined && options.key !== undefined ? (options.key === null ? null : String(options.key)) : e.key;
    const time = options !== undefined && typeof options.time === 'number' ? options.time : e.time;
    this.pendingPorts.push(port);
    this.pendingEvents.push({ id: e.id, key, time, value, emittedAt: e.emittedAt });
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    this.current = e;
    this.pendingPorts.length = 0;
    this.pendingEvents.length = 0;
    let result: unknown;
    try {
      const p = plainEvent(e);
      result = this.fn(p, this.userCtx, p.value, p.key, p.time);
      if (Array.isArray(result)) {
        for (let i = 0; i < result.length; i++) this.collect(result[i], undefined);
      } else if (result !== undefined) {
        this.collect(result, undefined);
      }
    } catch (err) {
      this.pendingPorts.length = 0;
      this.pendingEvents.length = 0;
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    const n = this.pendingEvents.length;
    if (n === 1) {
      out.emit(this.pendingPorts[0] as string, this.pendingEvents[0] as SluiceEvent);
    } else {
      for (let i = 0; i < n; i++) {
        const p = this.pendingEvents[i] as SluiceEvent;
        p.id = e.id + '/' + i;
        out.emit(this.pendingPorts[i] as string, p);
      }
    }
    this.pendingPorts.length = 0;
    this.pendingEvents.length = 0;
  }

  snapshot(): unknown {
    const state: Array<[string | null, Record<string, unknown>]> = [];
    for (const [key, slot] of this.store) state.push([key, Object.fromEntries(slot)]);
    return { state };
  }

  restore(snapshot: unknown): void {
    this.store.clear();
    const state = (snapshot as { state?: unknown } | null)?.state;
    if (!Array.isArray(state)) return;
    for (const entry of state as Array<[string | null, Record<string, unknown>]>) {
      this.store.set(entry[0], new Map(Object.entries(entry[1])));
    }
  }

  stateSize(): number {
    return this.store.size;
  }
}
