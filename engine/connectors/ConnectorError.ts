/**
 * A failure a connector understood. `permanent`: retrying cannot help (refused login, unknown
 * stream, a URL that names no server): the run fails with `message`. Otherwise the connection
 * retries with backoff (broker down, network).
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

/**
 * "Test connection" reached the server and logged in, but the server refuses what the node
 * names (a topic filter): the answer reads "Connected to <url>, but <message>".
 */
export class TargetRefused extends ConnectorError {
  constructor(message: string) {
    super(message, true);
    this.name = 'TargetRefused';
  }
}

/** The message of anything thrown, on one line. */
export function causeOf(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; errors?: unknown } | null;
  // Node's net errors for a host with several addresses come as an AggregateError without a message.
  if (e && Array.isArray(e.errors) && e.errors.length > 0 && !e.message) return causeOf(e.errors[0]);
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  const code = typeof e?.code === 'string' && !message.includes(e.code) ? ` (${e.code})` : '';
  return (message + code).split('\n')[0]!;
}
