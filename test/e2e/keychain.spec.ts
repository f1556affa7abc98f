import { expect, test } from '@playwright/test';
import { openEditor, SHOTS } from './editorHarness.js';
import { importGraph } from './liveHarness.js';

test('web host: "Save in keychain" is there but disabled with the reason, and a ${keychain:…} is a problem saying to use ${env:NAME}', async ({
  page,
}) => {
  await openEditor(page);
  await importGraph(page, {
    format: 'sluice/graph',
    version: 1,
    name: 'Keychain in the browser',
    connections: {
      db: { url: 'postgres://app@127.0.0.1:5432/test' },
      bus: { url: 'nats://app:${keychain:BUS_PASSWORD}@127.0.0.1:4222' },
    },
    nodes: [
      { id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 3 } },
      { id: 'out', type: 'sink.nats', position: { x: 320, y: 0 }, config: { url: 'bus', subject: 'kc.test' } },
    ],
    edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
  });
  await expect(page.getByTestId('doc-name')).toHaveText('Keychain in the browser');

  // The choice is shown, disabled, with the reason; there is no password field to type into.
  const choice = page.getByTestId('connection-db-keychain');
  const button = choice.getByRole('button', { name: 'Save in keychain' });
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('title', /available in the desktop app/);
  await expect(page.getByTestId('connection-db-keychain-reason')).toHaveText(
    'Keychain secrets are available in the desktop app; here, write ${env:NAME} in the URL.',
  );
  await expect(page.getByTestId('connection-db-keychain-input')).toHaveCount(0);
  await expect(page.getByTestId('keychain-names')).toHaveCount(0);
  // A URL that already refers to the keychain is no plain-text password.
  await expect(page.getByTestId('connection-bus-warning')).toHaveCount(0);

  // The Problems panel says what the run would: this host has no keychain.
  const problem = page
    .getByTestId('problem-item')
    .filter({ hasText: '${keychain:BUS_PASSWORD}: keychain secrets are available in the desktop app' });
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText('use ${env:NAME} here');
  await page.getByTestId('connections-panel').screenshot({ path: `${SHOTS}/keychain-web-host.png` });

  // Written as ${env:…} instead, the problem is gone (the variable is checked when the run starts).
  await page.getByTestId('connection-bus-url').fill('nats://app:${env:BUS_PASSWORD}@127.0.0.1:4222');
  await expect(page.getByTestId('problem-item').filter({ hasText: 'keychain' })).toHaveCount(0);
});

/**
 * The desktop side of the panel, in the same built page: a stand-in for the preload's
 * `window.sluice` bridge (the Electron binary cannot run here) that answers the keychain calls
 * as main would (names only) and records what the page sent. Main's own part is tested in
 * test/unit/main (SecretStore, callRouter).
 */
test('desktop bridge: Save in keychain sends the password to the app and writes ${keychain:NAME} into the URL', async ({
  page,
}) => {
  await page.addInitScript(() => {
    const secrets: Record<string, string> = {};
    const calls: string[] = [];
    (window as unknown as { sluiceCalls: string[] }).sluiceCalls = calls;
    (window as unknown as { sluice: unknown }).sluice = {
      async call(method: string, args: unknown[]) {
        calls.push(method);
        switch (method) {
          case 'keychainAvailable':
            return true;
          case 'listKeychainSecrets':
            return Object.keys(secrets).sort();
          case 'saveKeychainSecret':
            secrets[args[0] as string] = args[1] as string;
            (window as unknown as { savedSecrets: Record<string, string> }).savedSecrets = { ...secrets };
            return null;
          case 'deleteKeychainSecret':
            delete secrets[args[0] as string];
            return null;
          case 'validate':
          case 'checkPaths':
          case 'checkTargets':
          case 'listExamples':
            return [];
          default:
            return null;
        }
      },
      onEvent: () => () => undefined,
    };
  });
  await page.goto('/?token=e2e-token');
  await importGraph(page, {
    format: 'sluice/graph',
    version: 1,
    name: 'Orders',
    connections: { db: { url: 'postgres://app:s3cret@127.0.0.1:5432/test' } },
    nodes: [{ id: 'gen', type: 'source.generator', position: { x: 0, y: 0 }, config: { count: 3 } }],
    edges: [],
  });
  await expect(page.getByTestId('doc-name')).toHaveText('Orders');
  await expect(page.getByTestId('connection-db-warning')).toContainText('Save in keychain');

  // The plain password in the URL moves to the keychain with one click.
  const save = page.getByTestId('connection-db-keychain-save');
  await expect(save).toHaveText('Move password to keychain');
  await expect(save).toBeEnabled();
  await page.getByTestId('connections-panel').screenshot({ path: `${SHOTS}/keychain-desktop-before.png` });
  await save.click();
  await expect(page.getByTestId('connection-db-url')).toHaveValue(
    'postgres://app:${keychain:ORDERS_DB_PASSWORD}@127.0.0.1:5432/test',
  );
  await expect(page.getByTestId('connection-db-warning')).toHaveCount(0);
  await expect(page.getByTestId('connection-db-keychain-answer')).toContainText(
    'Saved in the keychain as ORDERS_DB_PASSWORD',
  );
  expect(await page.evaluate(() => (window as unknown as { savedSecrets: unknown }).savedSecrets)).toEqual({
    ORDERS_DB_PASSWORD: 's3cret',
  });
  await expect(page.getByTestId('keychain-name-ORDERS_DB_PASSWORD')).toBeVisible();

  // A new password typed in the field replaces the secret under the same name.
  await page.getByTestId('connection-db-keychain-input').fill('rotated-pw');
  await page.getByTestId('connection-db-keychain-save').click();
  await expect(page.getByTestId('connection-db-keychain-input')).toHaveValue('');
  expect(await page.evaluate(() => (window as unknown as { savedSecrets: unknown }).savedSecrets)).toEqual({
    ORDERS_DB_PASSWORD: 'rotated-pw',
  });
  await page.getByTestId('connections-panel').screenshot({ path: `${SHOTS}/keychain-desktop-after.png` });

  // Forget it: the names list empties.
  await page.getByRole('button', { name: 'Forget keychain secret ORDERS_DB_PASSWORD' }).click();
  await expect(page.getByTestId('keychain-names')).toHaveCount(0);
  const calls = await page.evaluate(() => (window as unknown as { sluiceCalls: string[] }).sluiceCalls);
  expect(calls).toContain('deleteKeychainSecret');
});
