import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import { envelopeJson } from '../contract/event.js';
import type { Operator, OperatorContext } from '../contract/operator.js';

/** `sink.console`: one log line per event, as it arrives (at-least-once, not staged). */
export const sinkConsole: NodeDescriptor = {
  type: 'sink.console',
  title: 'Console',
  category: 'sink',
  doc:
    'Prints each event ({ id, key, time, value } as JSON) to the run log: the terminal in the CLI, ' +
    'the log panel in the app. At-least-once: after a recovery some lines may repeat.',
  config: {
    prefix: { kind: 'string', label: 'Prefix', doc: 'Text put before each line, e.g. "alert: ".', default: '' },
  },
  ports: () => ({ inputs: ['in'], outputs: [] }),
  runsUserCode: false,
  changesKey: false,
  create: (ctx) => new ConsoleSinkOperator(ctx),
};

class ConsoleSinkOperator implements Operator {
  private readonly prefix: string;
  constructor(private readonly ctx: OperatorContext) {
    const prefix = typeof ctx.config.prefix === 'string' ? ctx.config.prefix : '';
    // "ALERT" reads as "ALERT {…}", not "ALERT{…}"; a prefix that ends in a space keeps it.
    this.prefix = prefix === '' || /\s$/.test(prefix) ? prefix : `${prefix} `;
  }
  process(e: SluiceEvent): void {
    // The envelope literal, not envelopeOf(), to skip a call on a path that already formats JSON.
    // A value still encoded is printed as the text it arrived as.
    this.ctx.io.console(this.prefix + envelopeJson(e));
  }
}
