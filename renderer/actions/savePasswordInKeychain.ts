import type { KeychainApi } from '../../engine/contract/DesktopApi.js';
import { KEYCHAIN_NAME } from '../../engine/contract/keychain.js';
import { listConnections, setConnection } from '../graph/connectionEdits.js';
import {
  keychainNameOfUrl,
  keychainUnavailableReason,
  suggestKeychainName,
  withKeychainPassword,
} from '../graph/keychainPassword.js';
import type { EditorStore } from '../store/createEditorStore.js';

/** What the Connections panel needs to save a password: the document and the desktop's keychain. */
export interface KeychainEditContext {
  store: EditorStore;
  keychain: KeychainApi | null;
}

/**
 * "Save in keychain" for a connection's password:
 * 1. the name: the one its URL already refers to (the password is replaced), else a fresh
 *    suggestion from the graph's and the connection's names;
 * 2. the URL it will have, checked before anything is stored;
 * 3. the secret stored through the desktop API (main encrypts it with the OS keychain);
 * 4. only then the URL written with `${keychain:NAME}`, as one undo step: the graph never holds
 *    the password, and a failed save leaves it unchanged.
 * Resolves with the name it was kept under, or rejects with one sentence to show.
 */
export async function savePasswordInKeychain(
  ctx: KeychainEditContext,
  connectionName: string,
  password: string,
): Promise<string> {
  const reason = keychainUnavailableReason(ctx.keychain, null);
  if (reason || !ctx.keychain) throw new Error(reason ?? 'No keychain.');
  if (password === '') throw new Error('Type the password first.');
  const graph = ctx.store.getState().graph;
  const connection = listConnections(graph).find((c) => c.name === connectionName);
  if (!connection) throw new Error(`There is no connection called “${connectionName}”.`);
  const existing = keychainNameOfUrl(connection.url);
  const name =
    existing !== null && KEYCHAIN_NAME.test(existing) ? existing : suggestKeychainName(graph.name, connectionName);
  const next = withKeychainPassword(connection.url, name);
  if ('problem' in next) throw new Error(next.problem);
  await ctx.keychain.saveKeychainSecret(name, password);
  const s = ctx.store.getState();
  s.commitDocument(setConnection(s.graph, connectionName, next.url));
  return name;
}
