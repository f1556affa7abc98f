import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect as natsConnect, StringCodec } from 'nats';
import { openEditor, selectNode, SHOTS } from './editorHarness.js';
import { freshDir, importGraph, runFresh, saveAs } from './liveHarness.js';

test('a broker-backed topic in the editor: its broker fields, a bad stream named, the lag across the boundary on its edge', async ({
  page,
}) => {
  const stream = `UIT_${randomBytes(4).toString('hex')}`;
  const nc = await natsConnect({ servers: '127.0.0.1:4222' });
  try {
    const dir = freshDir('broker-topic');
    await openEditor(page);
    await importGraph(page, {
      format: 'sluice/graph',
      version: 1,
      name: 'Topic subscriber',
      connections: { local: { url: 'nats://127.0.0.1:4222' } },
      nodes: [
        {
          id: 'orders',
          type: 'topic',
          position: { x: 0, y: 0 },
          config: { name: 'orders', broker: { url: 'local', stream: 'bad.name' } },
        },
        { id: 'out', type: 'sink.file', position: { x: 320, y: 0 }, config: { path: 'out/topic.jsonl' } },
      ],
      edges: [{ id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'out', port: 'in' } }],
    });
    await expect(page.getByTestId('doc-name')).toHaveText('Topic subscriber');
    await saveAs(page, `${dir}/topic.sluice.json`);

    // The inspector edits the broker's fields; a stream name with a dot is a problem, named.
    await selectNode(page, 'orders');
    await expect(page.getByTestId('field-broker-url-input')).toHaveValue('local');
    const streamField = page.getByTestId('field-broker-stream-input');
    await expect(streamField).toHaveValue('bad.name');
    await expect(page.getByTestId('action-run')).toBeDisabled();
    await expect(page.locator('body')).toContainText('stream "bad.name" must be 1 to 64 letters, digits');
    await streamField.fill(stream);
    await expect(page.getByTestId('action-run')).toBeEnabled({ timeout: 15_000 });
    await page.screenshot({ path: `${SHOTS}/broker-topic-inspector.png` });

    // Run: the topic subscribes (and creates the stream); what a publisher sent crosses, and
    // the edge carries the consumer lag across the boundary.
    await runFresh(page);
    await expect(page.getByTestId('node-connection-orders')).toHaveText('connected', { timeout: 20_000 });
    const js = nc.jetstream();
    const sc = StringCodec();
    for (let i = 0; i < 20; i++) {
      const event = { id: `ui-${i}`, key: `k${i % 3}`, time: Date.now(), value: { order: i } };
      await js.publish(`${stream}.0`, sc.encode(JSON.stringify(event)), { msgID: event.id });
    }
    const out = `${dir}/out/topic.jsonl`;
    const written = (): number => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).length : 0);
    await expect.poll(written, { timeout: 30_000 }).toBe(20);
    await expect(page.getByTestId('edge-label-e1')).toHaveAttribute('aria-label', /lag 0/, { timeout: 20_000 });
    await page.mouse.move(5, 5);
    await page.screenshot({ path: `${SHOTS}/broker-topic-lag.png` });
  } finally {
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => false);
    await nc.close();
  }
});
