import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../connectors/connectorTestKit.js';
import {
  closeConnections,
  deleteQueues,
  publishJson,
  queueDepth,
  rabbitAdmin,
  RABBITMQ_URL,
} from '../connectors/rabbitmq/rabbitMqTestKit.js';
import { startLive, runUntil } from '../connectors/runUntil.js';
import { graphOf, runToEnd } from '../runtime/runGraph.js';

let admin: ChannelModel;
const queues: string[] = [];
let dir: string;

beforeAll(async () => {
  admin = await rabbitAdmin();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-rabbitmq-test-'));
});
afterAll(async () => {
  await deleteQueues(admin, queues);
  await admin.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function pipeline(queue: string, queueType: string, out: string, extra: Record<string, unknown> = {}) {
  return graphOf({
    nodes: [
      {
        id: 'in',
        type: 'source.rabbitmq',
        config: { url: RABBITMQ_URL, queue, queueType, keyExpression: 'value.k', ...extra },
      },
      { id: 'out', type: 'sink.file', config: { path: out, envelope: true } },
    ],
    edges: ['in -> out'],
  });
}

// A run's workers take seconds to start on a loaded 2-core machine (CI runs suites in parallel).
describe('source.rabbitmq', { timeout: 120_000 }, () => {
  it('reads a stream queue into sink.file, and a second run resumes after the checkpointed offset', async () => {
    const queue = uniqueName('sluice-test-stream');
    queues.push(queue);
    await publishJson(
      admin,
      queue,
      'stream',
      Array.from({ length: 500 }, (_, i) => ({ i, k: `k${i % 3}` })),
    );
    const out = path.join(dir, `${queue}.jsonl`);
    const statePath = path.join(dir, `${queue}.db`);
    const graph = pipeline(queue, 'stream', out);
    const first = await runUntil(graph, { dir, statePath }, () => lines(out).length >= 500);
    expect(first.result.status).toBe('stopped');
    expect(JSON.parse(lines(out)[0]!)).toMatchObject({ id: `${queue}:0`, key: 'k0', value: { i: 0 } });
    expect(first.last!.nodes['in']!.connection).toMatchObject({ state: 'connected', attempts: 0 });

    await publishJson(
      admin,
      queue,
      'stream',
      Array.from({ length: 300 }, (_, i) => ({ i: 500 + i, k: 'k' })),
    );
    const second = await runUntil(graph, { dir, statePath }, () => lines(out).length >= 800);
    expect(second.result.status).toBe('stopped');
    const all = lines(out).map((l) => (JSON.parse(l) as { value: { i: number } }).value.i);
    expect(all).toEqual(Array.from({ length: 800 }, (_, i) => i));
  });

  it('acknowledges a classic queue after the checkpoint: the queue is empty once the run stops', async () => {
    const queue = uniqueName('sluice-test-classic');
    queues.push(queue);
    await publishJson(
      admin,
      queue,
      'classic',
      Array.from({ length: 300 }, (_, i) => ({ i })),
    );
    const out = path.join(dir, `${queue}.jsonl`);
    const r = await runUntil(
      pipeline(queue, 'classic', out),
      { dir, statePath: path.join(dir, `${queue}.db`) },
      () => lines(out).length >= 300,
    );
    expect(r.result.status).toBe('stopped');
    expect(lines(out)).toHaveLength(300);
    await waitFor('the queue drained', async () => (await queueDepth(admin, queue)) === 0 || undefined);
    expect(await queueDepth(admin, queue)).toBe(0);
  });

  it('sends a payload that is not JSON to the error port, and goes on', async () => {
    const queue = uniqueName('sluice-test-badjson');
    queues.push(queue);
    await publishJson(admin, queue, 'stream', ['{"i":1}', 'not json', '{"i":2}'], true);
    const out = path.join(dir, `${queue}.jsonl`);
    const errors = path.join(dir, `${queue}.errors.jsonl`);
    const graph = graphOf({
      nodes: [
        { id: 'in', type: 'source.rabbitmq', config: { url: RABBITMQ_URL, queue, queueType: 'stream' } },
        { id: 'out', type: 'sink.file', config: { path: out } },
        { id: 'bad', type: 'sink.file', config: { path: errors } },
      ],
      edges: ['in -> out', 'in.error -> bad'],
    });
    const r = await runUntil(graph, { dir }, () => lines(out).length >= 2 && lines(errors).length >= 1);
    expect(r.result.status).toBe('stopped');
    expect(lines(out)).toEqual(['{"i":1}', '{"i":2}']);
    const bad = JSON.parse(lines(errors)[0]!) as { error: string; event: { value: string } };
    expect(bad.event.value).toBe('not json');
    expect(bad.error).toMatch(/is not JSON/);
  });

  it('fails with one line for a refused login, and for a queue that exists with another type', async () => {
    const wrong = graphOf({
      nodes: [
        { id: 'in', type: 'source.rabbitmq', config: { url: 'amqp://guest:nope@127.0.0.1:5672', queue: 'never' } },
        { id: 'out', type: 'sink.file', config: { path: 'never.jsonl' } },
      ],
      edges: ['in -> out'],
    });
    const r = await runToEnd(wrong, { dir, durationMs: 15_000 });
    expect(r.result.status).toBe('failed');
    expect(r.result.reason).toBe(
      'node "in": RabbitMQ at amqp://127.0.0.1:5672: refused the login (check the user and password in the URL)',
    );

    const queue = uniqueName('sluice-test-type');
    queues.push(queue);
    await publishJson(admin, queue, 'classic', []);
    const mismatch = await runToEnd(pipeline(queue, 'stream', 'never.jsonl'), { dir, durationMs: 15_000 });
    expect(mismatch.result.status).toBe('failed');
    expect(mismatch.result.reason).toMatch(
      /^node "in": RabbitMQ at amqp:\/\/127\.0\.0\.1:5672: inequivalent arg 'x-queue-type' for queue/,
    );
  });

  it('fails at start with one line when no broker answers', async () => {
    const graph = pipeline('q', 'classic', 'never.jsonl', { url: 'amqp://127.0.0.1:1', connectTimeoutMs: 500 });
    const r = await runToEnd(graph, { dir, durationMs: 15_000 });
    expect(r.result.status).toBe('failed');
    expect(r.result.reason).toMatch(
      /^node "in": RabbitMQ at amqp:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1; gave up after \d+ attempts? in/,
    );
  });

  it('waits while the broker drops its connection, reconnects, and loses nothing (stream, exactly once)', async () => {
    const queue = uniqueName('sluice-test-gone');
    queues.push(queue);
    const out = path.join(dir, `${queue}.jsonl`);
    const live = await startLive(pipeline(queue, 'stream', out), dir, path.join(dir, `${queue}.db`));
    try {
      await publishJson(
        admin,
        queue,
        'stream',
        Array.from({ length: 200 }, (_, i) => ({ i })),
      );
      await waitFor('the first 200', () => lines(out).length >= 200);
      expect(await closeConnections(`sluice source ${queue}`)).toBeGreaterThan(0);
      await publishJson(
        admin,
        queue,
        'stream',
        Array.from({ length: 200 }, (_, i) => ({ i: 200 + i })),
      );
      await waitFor('all 400', () => lines(out).length >= 400, 30_000);
      const frames = live.frames.map((f) => f.nodes['in']?.connection?.state);
      expect(frames).toContain('reconnecting');
      // Metrics frames come every 100 ms: the one saying "connected" may follow the last line.
      await waitFor('connected again', () => live.last()?.nodes['in']?.connection?.state === 'connected', 60_000);
    } finally {
      await live.run.stop();
    }
    const all = lines(out).map((l) => (JSON.parse(l) as { value: { i: number } }).value.i);
    expect(all).toEqual(Array.from({ length: 400 }, (_, i) => i));
  });
});
