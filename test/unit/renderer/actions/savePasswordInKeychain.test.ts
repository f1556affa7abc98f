import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { validate } from '../../../../engine/graph/validate.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { savePasswordInKeychain } from '../../../../renderer/actions/savePasswordInKeychain.js';
import { FakeKeychain, TestEditor } from '../TestEditor.js';

const graph = (url: string): GraphFile => ({
  format: 'sluice/graph',
  version: 1,
  name: 'Orders',
  connections: { db: { url } },
  nodes: [
    { id: 'gen', type: 'source.generator', config: { count: 3 } },
    { id: 'rows', type: 'sink.postgres', config: { url: 'db', table: 'orders' } },
  ],
  edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'rows', port: 'in' } }],
});

describe('Save in keychain (the Connections panel, desktop app)', () => {
  it('stores the password through the desktop API and writes ${keychain:NAME} into the URL, never the password', async () => {
    const keychain = new FakeKeychain();
    const t = new TestEditor({ keychain }).load(graph('postgres://app@127.0.0.1:5432/test'));
    const ctx = { store: t.editor.store, keychain: t.editor.keychain };
    await expect(savePasswordInKeychain(ctx, 'db', 'p@ss w0rd')).resolves.toBe('ORDERS_DB_PASSWORD');
    expect(keychain.secrets).toEqual(new Map([['ORDERS_DB_PASSWORD', 'p@ss w0rd']]));
    expect(t.state.graph.connections).toEqual({
      db: { url: 'postgres://app:${keychain:ORDERS_DB_PASSWORD}@127.0.0.1:5432/test' },
    });
    expect(JSON.stringify(t.state.graph)).not.toContain('p@ss');
    // One undo step takes the URL back; the keychain keeps the secret (it is the computer's).
    await t.run('undo');
    expect(t.state.graph.connections).toEqual({ db: { url: 'postgres://app@127.0.0.1:5432/test' } });
  });

  it('moves a plain-text password out of the URL, and saving again replaces the same name', async () => {
    const keychain = new FakeKeychain();
    const t = new TestEditor({ keychain }).load(graph('postgres://app:s3cret@127.0.0.1:5432/test'));
    const ctx = { store: t.editor.store, keychain: t.editor.keychain };
    await savePasswordInKeychain(ctx, 'db', 's3cret');
    expect(JSON.stringify(t.state.graph)).not.toContain('s3cret');
    await savePasswordInKeychain(ctx, 'db', 'rotated');
    expect([...keychain.secrets]).toEqual([['ORDERS_DB_PASSWORD', 'rotated']]);
    expect((t.state.graph.connections as Record<string, unknown>).db).toEqual({
      url: 'postgres://app:${keychain:ORDERS_DB_PASSWORD}@127.0.0.1:5432/test',
    });
  });

  it('leaves the graph as it was when the keychain refuses, and says why', async () => {
    const keychain = new FakeKeychain();
    keychain.available = false;
    const t = new TestEditor({ keychain }).load(graph('postgres://app@127.0.0.1:5432/test'));
    const before = t.state.graph;
    await expect(
      savePasswordInKeychain({ store: t.editor.store, keychain: t.editor.keychain }, 'db', 'pw'),
    ).rejects.toThrow('This computer has no keychain Sluice can use.');
    expect(t.state.graph).toBe(before);
  });

  it('checks the URL before storing anything: a URL without a user, an unknown connection', async () => {
    const keychain = new FakeKeychain();
    const t = new TestEditor({ keychain }).load(graph('postgres://127.0.0.1:5432/test'));
    const ctx = { store: t.editor.store, keychain: t.editor.keychain };
    await expect(savePasswordInKeychain(ctx, 'db', 'pw')).rejects.toThrow('Write the user name in the URL first');
    await expect(savePasswordInKeychain(ctx, 'nope', 'pw')).rejects.toThrow('There is no connection called “nope”.');
    expect(keychain.calls.filter((c) => c.method === 'saveKeychainSecret')).toEqual([]);
  });

  it('in the web host there is no keychain: nothing is stored, and the reason points to ${env:NAME}', async () => {
    const t = new TestEditor().load(graph('postgres://app@127.0.0.1:5432/test'));
    expect(t.editor.keychain).toBeNull();
    await expect(
      savePasswordInKeychain({ store: t.editor.store, keychain: t.editor.keychain }, 'db', 'pw'),
    ).rejects.toThrow('Keychain secrets are available in the desktop app; here, write ${env:NAME} in the URL.');
    // What the web editor validates: a ${keychain:…} someone wrote by hand is an error there.
    const problems = validate(graph('postgres://app:${keychain:PW}@h/db'), nodeRegistry, { keychain: 'absent' });
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([
      'Node "rows": url: ${keychain:PW}: keychain secrets are available in the desktop app; use ${env:NAME} here.',
    ]);
  });

  it('a name the bridge refuses never reaches the keychain (the real schema check is in the way)', async () => {
    const keychain = new FakeKeychain();
    await expect(keychain.api.saveKeychainSecret('not a name', 'pw')).rejects.toThrow(
      'The "name" argument of saveKeychainSecret must be a name of letters, digits and “_” that does not start with a digit.',
    );
    expect(keychain.secrets.size).toBe(0);
  });
});
