import type { BrokerMessage, BrokerReader, BrokerRecord, BrokerWriter } from '../../../../engine/contract/connector.js';
import type { ConnectorEnv } from '../../../../engine/connectors/ConnectorFactory.js';
import { MemoryOutbox } from '../../../../engine/connectors/Outbox.js';

type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

/** Wait until `check` returns (or resolves to) a value other than undefined/false, polling; fail with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: Check<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Take from `reader` until it has given `n` messages. */
export async function takeN(reader: BrokerReader, n: number): Promise<BrokerMessage[]> {
  const got: BrokerMessage[] = [];
  await waitFor(`${n} messages`, () => {
    got.push(...reader.take(n - got.length));
    return got.length >= n;
  });
  return got;
}

/** A name no other test (or helper) on the shared servers uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** What the runtime gives a connector, for tests: an in-memory outbox. */
export function testEnv(node = 'test node'): ConnectorEnv {
  return { node, sinkId: uniqueName('sink'), storeId: 'test-store', outbox: () => new MemoryOutbox() };
}

/** Stage `records` under checkpoint `checkpointId`, commit it, and wait until the platform confirmed them. */
export async function sendThrough(
  writer: BrokerWriter,
  records: readonly BrokerRecord[],
  checkpointId = 1,
  timeoutMs = 15_000,
): Promise<boolean> {
  writer.stage(checkpointId, records);
  writer.commit(checkpointId);
  return writer.settle(timeoutMs);
}
