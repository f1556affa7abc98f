import type { Channel } from './Channel.js';
import { withDefaults } from './checkCall.js';
import type { MethodSchema, ServiceOf, ServiceSchema } from './method.js';

type Send = (method: string, args: unknown[]) => Promise<unknown>;

/** One client method: arguments with their defaults go out, a void method resolves `undefined`. */
function clientMethod(name: string, spec: MethodSchema, send: (self: unknown) => Send) {
  return async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const value = await send(this)(name, withDefaults(spec, args));
    return spec.voidResult ? undefined : value;
  };
}

/**
 * The service a schema describes, over a channel (VS Code's `ProxyChannel.toService`): one
 * method per schema entry, each a `channel.call(name, args)`. No method is written by hand, so
 * a client can never disagree with the schema on a method's arguments.
 */
export function toService<S extends ServiceSchema>(schema: S, channel: Channel): ServiceOf<S> {
  const service: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    service[name] = clientMethod(name, spec, () => (method, args) => channel.call(method, args));
  }
  return service as ServiceOf<S>;
}

/** The base a client class extends: the schema's methods on its prototype, each calling `send`. */
export abstract class ServiceClientBase {
  /** Send one call; resolves with the answer, rejects with the peer's one-sentence error. */
  protected abstract send(method: string, args: unknown[]): Promise<unknown>;
}

/**
 * A base class with one method per schema entry, each calling the subclass's `send`: for
 * clients with state of their own (a WebSocket's connection, the desktop bridge's listeners).
 * `class WebSocketEngineClient extends serviceClient(ENGINE_API) { protected send(…) {…} }`.
 */
export function serviceClient<S extends ServiceSchema>(schema: S): abstract new () => ServiceClientBase & ServiceOf<S> {
  abstract class Client extends ServiceClientBase {}
  const viaSend = (self: unknown): Send => {
    const client = self as { send: Send };
    return (method, args) => client.send(method, args);
  };
  for (const [name, spec] of Object.entries(schema)) {
    Object.defineProperty(Client.prototype, name, {
      value: clientMethod(name, spec, viaSend),
      writable: true,
      configurable: true,
    });
  }
  return Client as unknown as abstract new () => ServiceClientBase & ServiceOf<S>;
}
