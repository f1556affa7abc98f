import { UserError } from '../operator.js';
import type { ServerChannel } from './Channel.js';
import { checkCall } from './checkCall.js';
import type { ServiceOf, ServiceSchema } from './method.js';

export interface FromServiceOptions<S extends ServiceSchema> {
  /**
   * Runs after a call passed its schema and before the service sees it; throw (a `UserError`)
   * to refuse it. Main uses it to hold every path against the folders the user opened.
   */
  admit?(method: keyof S & string, args: readonly unknown[]): void;
}

/**
 * Serve `service` as a channel (VS Code's `ProxyChannel.fromService`): each call is checked
 * against `schema` (an unknown method, a wrong argument: a `UserError` naming it), then the
 * service's own method runs with the checked arguments. Only the schema's methods can be
 * reached: never `constructor`, `__proto__` or a method the schema does not list.
 */
export function fromService<S extends ServiceSchema>(
  schema: S,
  service: ServiceOf<S>,
  options: FromServiceOptions<S> = {},
): ServerChannel {
  return {
    async call(method, args) {
      const checked = checkCall(schema, method, args);
      if (!checked.ok) throw new UserError(checked.error);
      options.admit?.(checked.method, checked.args);
      const fn = service[checked.method] as unknown as (...a: unknown[]) => Promise<unknown>;
      return fn.apply(service, checked.args);
    },
  };
}
