/**
 * How a call travels, whatever carries it (a WebSocket, Electron IPC, a utility-process port,
 * a plain function call in a test): a method name and its arguments in, the answer out. An
 * error rejects with one sentence for a person. VS Code's `IChannel` is the model.
 */
export interface Channel {
  call(method: string, args: unknown[]): Promise<unknown>;
}

/**
 * The receiving end of a channel: it takes whatever a peer sent, so it checks it first (see
 * `fromService`). Usable as a `Channel`, too.
 */
export interface ServerChannel {
  call(method: unknown, args: unknown): Promise<unknown>;
}
