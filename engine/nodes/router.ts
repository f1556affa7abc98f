import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/** Port names a route may not take, because the router already has them. */
const RESERVED_PORTS = new Set(['else', 'error', 'in']);

interface Route {
  port: string;
  predicate: string;
}

function routesOf(config: Record<string, unknown>): Route[] {
  const routes = Array.isArray(config.routes) ? (config.routes as unknown[]) : [];
  return routes.map((r) => {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    return {
      port: typeof o.port === 'string' ? o.port : '',
      predicate: typeof o.predicate === 'string' ? o.predicate : '',
    };
  });
}

/** `router`: each event goes to the first route whose predicate is truthy, else to `else`. */
export const router: NodeDescriptor = {
  type: 'router',
  title: 'Router',
  category: 'routing',
  doc:
    'Sends each event, unchanged, to the port of the first route whose predicate is truthy, or to ' +
    '`else` when none matches. Each route adds an output port of its name.',
  config: {
    routes: {
      kind: 'list',
      label: 'Routes',
      doc: 'Checked in order; the first truthy predicate wins.',
      item: {
        port: { kind: 'string', label: 'Port', doc: 'The output port name for this route.', required: true },
        predicate: {
          kind: 'expression',
          vars: EVENT_VARS,
          label: 'Predicate',
          doc: 'Events for which this is truthy take this route, e.g. `value.level === "error"`.',
          required: true,
        },
      },
      default: [],
    },
  },
  ports(config) {
    const outputs: string[] = [];
    for (const r of routesOf(config))
      if (r.port !== '' && !RESERVED_PORTS.has(r.port) && !outputs.includes(r.port)) outputs.push(r.port);
    outputs.push('else', 'error');
    return { inputs: ['in'], outputs };
  },
  runsUserCode: true,
  changesKey: false,
  check(config) {
    const problems: Array<{ field?: string; message: string; severity?: 'error' | 'warning' }> = [];
    const seen = new Set<string>();
    routesOf(config).forEach((r, i) => {
      if (r.port === '') problems.push({ field: 'routes', message: `Route ${i + 1} needs a port name.` });
      else if (RESERVED_PORTS.has(r.port))
        problems.push({
          field: 'routes',
          message: `Route ${i + 1} cannot use the port name "${r.port}"; it is reserved.`,
        });
      else if (seen.has(r.port))
        problems.push({ field: 'routes', message: `Route ${i + 1} repeats the port "${r.port}".` });
      seen.add(r.port);
      if (r.predicate.trim() === '') problems.push({ field: 'routes', message: `Route ${i + 1} needs a predicate.` });
    });
    if (problems.length === 0 && seen.size === 0)
      problems.push({ field: 'routes', message: 'With no routes every event goes to "else".', severity: 'warning' });
    return problems;
  },
  create: (ctx) => new RouterOperator(ctx),
};

class RouterOperator implements Operator {
  private readonly ports: string[];
  private readonly predicates: EventExpression[];
  constructor(private readonly ctx: OperatorContext) {
    const routes = routesOf(ctx.config);
    this.ports = routes.map((r) => r.port);
    this.predicates = routes.map((r) => compileEventExpression(r.predicate));
  }
  process(e: SluiceEvent, _port: string, out: Emitter): void {
    const predicates = this.predicates;
    let match = -1;
    try {
      for (let i = 0; i < predicates.length; i++) {
        if ((predicates[i] as EventExpression)(e)) {
          match = i;
          break;
        }
      }
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    if (match >= 0) out.emit(this.ports[match] as string, e);
    else out.emit('else', e);
  }
}
