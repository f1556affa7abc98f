import type { MessagePort } from 'node:worker_threads';
import type { SluiceEvent } from '../../contract/index.js';
import { decodeBatch, encodeBatch, encodedSize, valueTexts } from '../batchCodec.js';
import type { ChannelMessage, StartWorker } from '../protocol.js';
import { InChannel } from './InChannel.js';
import { approxSize } from './InstanceHost.js';
import { OutChannel } from './OutChannel.js';
import type { WorkerMetrics } from './WorkerMetrics.js';

/** Both ends of the channels that touch one worker, by channel id. */
export interface WorkerChannels {
  ins: Map<number, InChannel>;
  outs: Map<number, OutChannel>;
}

/**
 * Build the channel ends of worker `start.worker`:
 * 1. local (both tasks here): the out end pushes its batch straight into the in end; credit
 *    goes straight back. Nothing is encoded; bytes are estimated from the first event.
 * 2. outgoing: batches encoded in columns on the channel's MessagePort, credit comes back on it.
 * 3. incoming: batches counted (bytes, latency) as they arrive and decoded when taken; credit
 *    goes back as they are taken.
 * `wake` is called whenever a message may let a task move.
 */
export function wireChannels(start: StartWorker, metrics: WorkerMetrics, wake: () => void): WorkerChannels {
  const w = start.worker;
  const ins = new Map<number, InChannel>();
  const outs = new Map<number, OutChannel>();
  for (const ch of start.plan.channels) {
    if (ch.fromWorker !== w && ch.toWorker !== w) continue;
    const edgeIndex = ch.edgeIndex;
    if (ch.fromWorker === w && ch.toWorker === w) {
      const ref: { out?: OutChannel } = {};
      const inc = new InChannel(ch.id, edgeIndex, ch.toPort, ch.toInput, ch.capacity, (n) => {
        ref.out!.addCredit(n);
        wake();
      });
      ref.out = new OutChannel(
        ch.id,
        edgeIndex,
        ch.capacity,
        (events, watermark) => {
          metrics.sampleLatency(edgeIndex, events);
          inc.pushEvents(events);
          if (watermark) inc.pushControl(watermark);
          // Same thread: nothing is encoded; count what the batch would weigh, from its first event.
          metrics.addBytes(edgeIndex, events.length * approxSize(events[0] as SluiceEvent));
        },
        (control) => inc.pushControl(control),
      );
      ins.set(ch.id, inc);
      outs.set(ch.id, ref.out);
      continue;
    }
    const port = start.ports[ch.id] as MessagePort;
    if (ch.fromWorker === w) {
      const out = new OutChannel(
        ch.id,
        edgeIndex,
        ch.capacity,
        (events, watermark, checked) => {
          const batch = encodeBatch(events);
          if (checked !== undefined) batch.c = checked;
          const m: ChannelMessage = watermark
            ? watermark.idle
              ? { type: 'batch', batch, wm: watermark.time, wmIdle: true }
              : { type: 'batch', batch, wm: watermark.time }
            : { type: 'batch', batch };
          // Bytes are counted where the batch arrives (the receiving worker).
          port.postMessage(m, [batch.t.buffer as ArrayBuffer]);
        },
        (control) => port.postMessage({ type: 'control', control } satisfies ChannelMessage),
        true, // encoded at once: the outbox is reused
      );
      port.on('message', (m: ChannelMessage) => {
        if (m.type === 'credit') {
          out.addCredit(m.n);
          wake();
        }
      });
      outs.set(ch.id, out);
    } else {
      const inc = new InChannel(ch.id, edgeIndex, ch.toPort, ch.toInput, ch.capacity, (n) =>
        port.postMessage({ type: 'credit', n } satisfies ChannelMessage),
      );
      port.on('message', (m: ChannelMessage) => {
        if (m.type === 'batch') {
          const batch = m.batch;
          metrics.addBytes(edgeIndex, encodedSize(batch));
          metrics.sampleBatchLatency(edgeIndex, batch.t);
          // Decoded when taken, after its credit went back (InChannel.consume): the sender's
          // next batch no longer waits for this one's decoding.
          inc.pushEncoded(
            batch.t.length / 2,
            () => decodeBatch(batch),
            () => valueTexts(batch),
            batch.c,
          );
          if (m.wm !== undefined) inc.pushControl({ kind: 'watermark', time: m.wm, idle: m.wmIdle === true });
        } else if (m.type === 'control') {
          inc.pushControl(m.control);
        }
        wake();
      });
      ins.set(ch.id, inc);
    }
  }
  return { ins, outs };
}
