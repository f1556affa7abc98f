import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ExecutionPlan } from '../../../../../engine/compiler/ExecutionPlan.js';
import { planGraph } from '../../../../../engine/compiler/planGraph.js';
import { nodeRegistry } from '../../../../../engine/nodes/registry.js';
import { PROTOCOL_VERSION, type StartWorker } from '../../../../../engine/runtime/protocol.js';
import { wireChannels } from '../../../../../engine/runtime/worker/wireChannels.js';
import { WorkerMetrics } from '../../../../../engine/runtime/worker/WorkerMetrics.js';
import { graphOf } from '../runGraph.js';
import { ev } from './workerParts.js';

function planOn(workers: number): ExecutionPlan {
  return planGraph(
    graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 10 } },
        { id: 'm', type: 'map', config: { expression: 'value' } },
      ],
      edges: ['gen -> m : 4'],
    }),
    nodeRegistry,
    { maxWorkers: workers, fuse: false },
  );
}

function startOf(plan: ExecutionPlan, worker: number, ports: Record<number, MessagePort>): StartWorker {
  return {
    type: 'startWorker',
    protocol: PROTOCOL_VERSION,
    plan,
    schemas: [],
    worker,
    baseDir: '.',
    statePath: null,
    restore: null,
    ports,
    metricsIntervalMs: 1000,
    progress: new SharedArrayBuffer(16),
    skip: [],
  };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('wireChannels', () => {
  it('joins both ends of a local channel: events and credit go straight across, bytes estimated', () => {
    const plan = planOn(1);
    const ch = plan.channels[0]!;
    expect(ch.fromWorker).toBe(ch.toWorker);
    const metrics = new WorkerMetrics(plan);
    let wakes = 0;
    const { ins, outs } = wireChannels(startOf(plan, 0, {}), metrics, () => void wakes++);
    const out = outs.get(ch.id)!;
    const inc = ins.get(ch.id)!;
    for (let i = 0; i < 6; i++) out.push(ev(i));
    out.flush();
    expect(inc.queued).toBe(4);
    expect(metrics.counters.edgeBytes[ch.edgeIndex]).toBeGreaterThan(0);
    const seen: string[] = [];
    inc.consume(4, (e) => seen.push(e.id));
    inc.flushCredit(true);
    expect(wakes).toBe(1);
    out.flush();
    expect(seen).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3']);
    expect(inc.queued).toBe(2);
  });

  it('carries batches, controls and credit over a MessagePort between two workers', async () => {
    const plan = planOn(2);
    const ch = plan.channels[0]!;
    expect(ch.fromWorker).not.toBe(ch.toWorker);
    const { port1, port2 } = new MessageChannel();
    const ports: Array<Record<number, MessagePort>> = [{}, {}];
    ports[ch.fromWorker]![ch.id] = port1;
    ports[ch.toWorker]![ch.id] = port2;
    const senderMetrics = new WorkerMetrics(plan);
    const receiverMetrics = new WorkerMetrics(plan);
    let senderWakes = 0;
    let receiverWakes = 0;
    const sender = wireChannels(
      startOf(plan, ch.fromWorker, ports[ch.fromWorker]!),
      senderMetrics,
      () => void senderWakes++,
    );
    const receiver = wireChannels(
      startOf(plan, ch.toWorker, ports[ch.toWorker]!),
      receiverMetrics,
      () => void receiverWakes++,
    );
    try {
      const out = sender.outs.get(ch.id)!;
      const inc = receiver.ins.get(ch.id)!;
      for (let i = 0; i < 6; i++) out.push(ev(i, `k${i}`));
      out.pushControl({ kind: 'end' });
      out.flush();
      await tick();
      expect(inc.queued).toBe(4);
      expect(receiverWakes).toBeGreaterThan(0);
      expect(receiverMetrics.counters.edgeBytes[ch.edgeIndex]).toBeGreaterThan(0);
      const seen: Array<[string, string | null]> = [];
      inc.consume(10, (e) => seen.push([e.id, e.key]));
      inc.flushCredit(true);
      await tick();
      expect(senderWakes).toBe(1);
      out.flush();
      await tick();
      inc.consume(10, (e) => seen.push([e.id, e.key]));
      expect(seen.map(([id]) => id)).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5']);
      expect(seen[5]![1]).toBe('k5');
      expect(inc.peekControl()).toEqual({ kind: 'end' });
    } finally {
      port1.close();
      port2.close();
    }
  });

  it("hands a batch that crossed undecoded to a sink that reads values' texts, whole and without events", async () => {
    const plan = planOn(2);
    const ch = plan.channels[0]!;
    const { port1, port2 } = new MessageChannel();
    const ports: Array<Record<number, MessagePort>> = [{}, {}];
    ports[ch.fromWorker]![ch.id] = port1;
    ports[ch.toWorker]![ch.id] = port2;
    const sender = wireChannels(startOf(plan, ch.fromWorker, ports[ch.fromWorker]!), new WorkerMetrics(plan), () => {});
    const receiver = wireChannels(startOf(plan, ch.toWorker, ports[ch.toWorker]!), new WorkerMetrics(plan), () => {});
    try {
      const out = sender.outs.get(ch.id)!;
      const inc = receiver.ins.get(ch.id)!;
      const values = [{ a: 'x,y]' }, [1, { b: null }], 'text', 4.5];
      values.forEach((v, i) => out.push({ ...ev(i), value: v }));
      out.flush();
      await tick();
      // A contract the batch was not checked against: the texts are not for this reader.
      expect(inc.consumeTexts(10, 'orders@1', () => expect.fail('unchecked batch taken as texts'))).toBe(0);
      const got: string[] = [];
      expect(inc.consumeTexts(3, undefined, (texts, from, to) => got.push(...texts.slice(from, to)))).toBe(3);
      expect(inc.consumeTexts(3, undefined, (texts, from, to) => got.push(...texts.slice(from, to)))).toBe(1);
      expect(got).toEqual(values.map((v) => JSON.stringify(v)));
      expect(inc.queued).toBe(0);
      inc.flushCredit(true);
      await tick();
      expect(out.credit).toBe(4);

      // A batch already decoded (an event was taken from it) goes on as events.
      values.forEach((v, i) => out.push({ ...ev(10 + i), value: v }));
      out.flush();
      await tick();
      const ids: string[] = [];
      inc.consume(1, (e) => ids.push(e.id));
      expect(inc.consumeTexts(10, undefined, () => expect.fail('decoded batch taken as texts'))).toBe(0);
      inc.consume(10, (e) => ids.push(e.id));
      expect(ids).toEqual(['ev-10', 'ev-11', 'ev-12', 'ev-13']);
    } finally {
      port1.close();
      port2.close();
    }
  });
});
