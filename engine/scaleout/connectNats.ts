import { connect, type NatsConnection } from 'nats';
import { UserError } from '../contract/operator.js';

/** The NATS a group uses when none is named: `$NATS_URL`, else the local server. */
export function defaultNatsUrl(): string {
  return process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
}

/** A URL as it may be shown: without credentials. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/**
 * Connect for a group member or an inspection command. The first connection must succeed
 * (a wrong URL is one clear line); after that the client reconnects by itself, forever, and
 * the leases decide what a member may still do while it is cut off.
 */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, name, timeout: 5000, reconnect: true, maxReconnectAttempts: -1 });
  } catch (err) {
    throw new UserError(`cannot reach NATS at ${shownUrl(url)}: ${(err as Error).message}`);
  }
}
