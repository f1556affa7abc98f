import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerReader } from '../../../../engine/contract/connector.js';
import { natsConnector } from '../../../../engine/connectors/nats.js';
import { BUFFER_HIGH_WATER } from '../../../../engine/connectors/MessageBuffer.js';
import { createStream, deleteStream, NATS_URL, natsClient, publishJson, suffix, waitFor } from './brokerTestKit.js';

/**
 * source.nats's consumer has no acks: the server counts a message as delivered when it sends
 * it to a pull. A pull the client has already given up on (its own timer closes it after
 * `expires`, late on a loaded machine) loses what the server sends it, and the consumer moves
 * on. Here another client pulls from the reader's consumer while the reader waits for room in
 * its full buffer: the same loss, made deterministic. The reader must still take every
 * message, in order, each once (the group test's keys stuck below 100 came from this).
 */
let nc: NatsConnection;
const streams: string[] = [];
beforeAll(async () => {
  nc = await natsClient();
});
afterAll(async () => {
  for (const s of streams) await deleteStream(nc, s);
  await nc.close();
});

function openReader(stream: string): BrokerReader {
  return natsConnector.openReader!(
    { kind: 'nats', config: { url: NATS_URL, stream, deliver: 'all' }, resumeFrom: null, onReadable: () => {} },
    {
      node: 'source.nats "in"',
      sinkId: 'in-0',
      storeId: 'test',
      outbox: () => {
        throw new Error('a reader has no outbox');
      },
    },
  );
}

/**
 * Fill the reader's buffer (published before it opens: its pulls come back full, the last one
 * filling the buffer), then let another client take `stolen` new messages from its consumer.
 */
async function fillAndSteal(stream: string, stolen: number): Promise<BrokerReader> {
  await publishJson(
    nc,
    `${stream}.a`,
    Array.from({ length: BUFFER_HIGH_WATER }, (_, i) => ({ i })),
  );
  const reader = openReader(stream);
  const jsm = await nc.jetstreamManager();
  // The reader has every message (its consumer delivered them all): its buffer is full, it pulls
  // no more, and no pull of its is still open at the server (a short pull waits out its
  // `expires`; one still open would take the messages published next before the thief does).
  let name = '';
  await waitFor(
    async () => {
      const c = (await jsm.consumers.list(stream).next())[0];
      name = c?.name ?? '';
      return (
        c?.delivered.stream_seq === BUFFER_HIGH_WATER &&
        c.num_waiting === 0 &&
        reader.status().lag === BUFFER_HIGH_WATER
      );
    },
    30_000,
    'the reader to have filled its buffer',
  );
  await publishJson(
    nc,
    `${stream}.a`,
    Array.from({ length: stolen }, (_, i) => ({ i: BUFFER_HIGH_WATER + i })),
  );
  const consumer = await nc.jetstream().consumers.get(stream, name);
  let got = 0;
  for await (const m of await consumer.fetch({ max_messages: stolen, expires: 5000 })) {
    got++;
    void m;
  }
  expect(got).toBe(stolen);
  return reader;
}

async function drain(reader: BrokerReader, total: number): Promise<number[]> {
  const seqs: number[] = [];
  await waitFor(
    () => {
      for (const m of reader.take(1000)) seqs.push(Number(m.id.split(':')[1]));
      return seqs.length >= total;
    },
    30_000,
    `the reader to take ${total} messages`,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message} (took ${seqs.length}, last ${seqs.at(-1)})`);
  });
  return seqs;
}

describe('source.nats when its consumer delivered messages the reader never received', () => {
  it('notices the gap at the next message and reads the lost ones again, in order', async () => {
    const stream = `LOST_${suffix()}`;
    streams.push(stream);
    await createStream(nc, stream, [`${stream}.>`]);
    const reader = await fillAndSteal(stream, 10);
    try {
      await publishJson(
        nc,
        `${stream}.a`,
        Array.from({ length: 10 }, (_, i) => ({ i: BUFFER_HIGH_WATER + 10 + i })),
      );
      const seqs = await drain(reader, BUFFER_HIGH_WATER + 20);
      expect(seqs).toEqual(Array.from({ length: BUFFER_HIGH_WATER + 20 }, (_, i) => i + 1));
    } finally {
      reader.close();
    }
  }, 60_000);

  it('notices lost messages at the end of the stream (no later message shows the gap)', async () => {
    const stream = `LOSTEND_${suffix()}`;
    streams.push(stream);
    await createStream(nc, stream, [`${stream}.>`]);
    const reader = await fillAndSteal(stream, 10);
    try {
      const seqs = await drain(reader, BUFFER_HIGH_WATER + 10);
      expect(seqs).toEqual(Array.from({ length: BUFFER_HIGH_WATER + 10 }, (_, i) => i + 1));
    } finally {
      reader.close();
    }
  }, 60_000);
});
