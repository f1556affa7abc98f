import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { connect as natsConnect, StringCodec } from 'nats';
import { createServer } from 'node:net';
import { openEditor, selectNode, SHOTS } from './editorHarness.js';
import { freshDir, importGraph, runFresh, saveAs } from './liveHarness.js';

/** A loopback port nothing listens on (taken and released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('connectors in the editor: Connections panel, Test connection on a good and a bad URL, the badge "connected" on a running source.nats', async ({
  page,
}) => {
  // A JetStream stream of our own on the local NATS, with a few orders in it.
  const suffix = randomBytes(4).toString('hex');
  const stream = `UI_${suffix}`;
  const subject = `ui.${suffix}`;
  const nc = await natsConnect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [subject] });
  const js = nc.jetstream();
  const sc = StringCodec();
  for (let i = 0; i < 20; i++) await js.publish(subject, sc.encode(JSON.stringify({ order: i })));

  try {
    const dir = freshDir('connections');
    await openEditor(page);
    await importGraph(page, {
      format: 'sluice/graph',
      version: 1,
      name: 'NATS orders',
      connections: { local: { url: 'nats://127.0.0.1:4222' } },
      nodes: [
        { id: 'orders', type: 'source.nats', position: { x: 0, y: 0 }, config: { url: 'local', stream } },
        { id: 'out', type: 'sink.file', position: { x: 320, y: 0 }, config: { path: 'out/orders.jsonl' } },
      ],
      edges: [{ id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'out', port: 'in' } }],
    });
    await expect(page.getByTestId('doc-name')).toHaveText('NATS orders');
    await saveAs(page, `${dir}/orders.sluice.json`);

    // The Connections panel (graph settings): the named connection, tested.
    const panel = page.getByTestId('connections-panel');
    await expect(panel).toContainText('${env:NAME}');
    await expect(page.getByTestId('connection-local-url')).toHaveValue('nats://127.0.0.1:4222');
    await page.getByTestId('connection-local-test').getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('connection-local-test-answer')).toHaveText('Connected');

    // A second connection to a port where nothing listens, with a password in plain text.
    const port = await closedPort();
    await page.getByTestId('connection-add').click();
    await page.getByTestId('connection-conn1-url').fill(`nats://alice:s3cret@127.0.0.1:${port}`);
    await expect(page.getByTestId('connection-conn1-warning')).toContainText('${env:NAME}');
    await page.getByTestId('connection-conn1-test').getByRole('button', { name: 'Test connection' }).click();
    const bad = page.getByTestId('connection-conn1-test-answer');
    await expect(bad).toContainText(`Cannot connect to nats://127.0.0.1:${port}`, { timeout: 15_000 });
    await expect(bad).not.toContainText('s3cret');
    await page.screenshot({ path: `${SHOTS}/connections-panel.png` });
    await page.getByTestId('connection-conn1-remove').click();
    await expect(page.getByTestId('connection-conn1')).toHaveCount(0);

    // The node's inspector tests the URL its connection name stands for.
    await selectNode(page, 'orders');
    await page.getByTestId('node-test-connection').getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('node-test-connection-answer')).toHaveText('Connected');

    // Run: the source's badge says "connected"; its edge carries the consumer lag.
    await runFresh(page);
    await expect(page.getByTestId('node-connection-orders')).toHaveText('connected', { timeout: 20_000 });
    // Lag 0 once the source has read all 20 orders (JetStream's pending count).
    await expect(page.getByTestId('edge-label-e1')).toHaveAttribute('aria-label', /lag 0/, { timeout: 20_000 });
    await page.mouse.move(5, 5);
    await page.screenshot({ path: `${SHOTS}/connector-badge.png` });
    await page.getByTestId('action-stop').click();
    await expect(page.getByTestId('run-chip')).toHaveAttribute('data-status', /stopped|finished/, { timeout: 20_000 });
    await expect(page.getByTestId('edge-label-e1')).toHaveAttribute('data-total', '20');
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
});
