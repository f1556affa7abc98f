import { useCallback, useEffect, useState } from 'react';
import type { GraphFile } from '../../engine/contract/graphFile.js';
import {
  CONNECTION_NAME,
  connectorKindOfUrl,
  freshConnectionName,
  listConnections,
  plainPasswordWarning,
  removeConnection,
  renameConnection,
  setConnection,
  type NamedConnection,
} from '../graph/connectionEdits.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import type { EditorState } from '../store/editorState.js';
import { KeychainPassword } from './KeychainPassword.js';
import { TestConnectionButton } from './TestConnectionButton.js';

const selectConnections = (s: EditorState) => s.graph.connections;

/**
 * The graph's named connections (SPEC §10): a connector node's `url` may name one. Add, edit
 * and remove them here; a URL may hold `${env:NAME}`, or in the desktop app `${keychain:NAME}`
 * ("Save in keychain"), and one with a plain-text password is flagged, since the graph file
 * must never carry secrets.
 */
export function ConnectionsPanel() {
  const { store, keychain } = useEditor();
  useEditorStore(selectConnections);
  const { available, names, refresh } = useKeychain();
  const connections = listConnections(store.getState().graph);
  const commit = (update: (g: GraphFile) => GraphFile, key: string): void => {
    const s = store.getState();
    s.commitDocument(update(s.graph), { coalesce: `connections:${key}` });
  };
  return (
    <div className="connections-panel" data-testid="connections-panel">
      <div className="section-title">Connections</div>
      <p className="field-doc">
        Named broker and database URLs; a connector node’s URL field may give a name instead of a URL. Secrets belong in
        environment variables: write <code>{'${env:NAME}'}</code> for a password (or the whole URL), never the password
        itself, since the graph file is saved as written.
        {keychain && (
          <>
            {' '}
            In the desktop app, “Save in keychain” keeps it in this computer’s keychain and writes{' '}
            <code>{'${keychain:NAME}'}</code>.
          </>
        )}
      </p>
      {connections.map((c) => (
        <ConnectionRow key={c.name} connection={c} commit={commit} keychainAvailable={available} onSaved={refresh} />
      ))}
      <button
        type="button"
        data-testid="connection-add"
        onClick={() => {
          const name = freshConnectionName(store.getState().graph);
          commit((g) => setConnection(g, name, 'nats://127.0.0.1:4222'), `add:${name}`);
        }}
      >
        Add connection
      </button>
      {keychain && names.length > 0 && (
        <div className="keychain-names" data-testid="keychain-names">
          <div className="field-doc">In this computer’s keychain:</div>
          {names.map((n) => (
            <span key={n} className="keychain-name" data-testid={`keychain-name-${n}`}>
              <code>{n}</code>
              <button
                type="button"
                aria-label={`Forget keychain secret ${n}`}
                onClick={() => {
                  void keychain
                    .deleteKeychainSecret(n)
                    .then(refresh, (err: unknown) =>
                      store.getState().notify(err instanceof Error ? err.message : String(err), 'error'),
                    );
                }}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

/** The desktop keychain's availability and names (asked once, and again after a change); nothing in the web host. */
function useKeychain(): { available: boolean | null; names: string[]; refresh: () => void } {
  const { keychain } = useEditor();
  const [available, setAvailable] = useState<boolean | null>(keychain ? null : false);
  const [names, setNames] = useState<string[]>([]);
  const refresh = useCallback(() => {
    if (!keychain) return;
    keychain.listKeychainSecrets().then(setNames, () => setNames([]));
  }, [keychain]);
  useEffect(() => {
    if (!keychain) return;
    let alive = true;
    keychain.keychainAvailable().then(
      (a) => alive && setAvailable(a),
      () => alive && setAvailable(false),
    );
    refresh();
    return () => void (alive = false);
  }, [keychain, refresh]);
  return { available, names, refresh };
}

function ConnectionRow({
  connection,
  commit,
  keychainAvailable,
  onSaved,
}: {
  connection: NamedConnection;
  commit: (update: (g: GraphFile) => GraphFile, key: string) => void;
  keychainAvailable: boolean | null;
  onSaved: () => void;
}) {
  const { name, url } = connection;
  const { store } = useEditor();
  const [draft, setDraft] = useState(name);
  const taken = (n: string) => listConnections(store.getState().graph).some((c) => c.name === n && n !== name);
  const nameProblem =
    draft === name
      ? null
      : !CONNECTION_NAME.test(draft)
        ? 'A name uses letters, digits, “_”, “-” and “.” only.'
        : taken(draft)
          ? `There is already a connection called “${draft}”.`
          : null;
  const applyName = () => {
    if (draft !== name && nameProblem === null) commit((g) => renameConnection(g, name, draft), `name:${name}`);
    else setDraft(name);
  };
  const warning = plainPasswordWarning(url);
  return (
    <div className="connection-row" data-testid={`connection-${name}`}>
      <div className="connection-fields">
        <input
          type="text"
          aria-label={`Name of connection ${name}`}
          className="connection-name"
          value={draft}
          data-testid={`connection-${name}-name`}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={applyName}
          onKeyDown={(e) => {
            if (e.key === 'Enter') applyName();
          }}
        />
        <input
          type="text"
          aria-label={`URL of connection ${name}`}
          className="connection-url"
          value={url}
          spellCheck={false}
          placeholder="nats://127.0.0.1:4222"
          data-testid={`connection-${name}-url`}
          onChange={(e) => commit((g) => setConnection(g, name, e.target.value), `url:${name}`)}
        />
        <button
          type="button"
          className="connection-remove"
          aria-label={`Remove connection ${name}`}
          data-testid={`connection-${name}-remove`}
          onClick={() => commit((g) => removeConnection(g, name), `remove:${name}`)}
        >
          ×
        </button>
      </div>
      {nameProblem && <div className="field-error">{nameProblem}</div>}
      {warning && (
        <div className="field-warning" role="alert" data-testid={`connection-${name}-warning`}>
          {warning}
        </div>
      )}
      <KeychainPassword name={name} url={url} available={keychainAvailable} onSaved={onSaved} />
      <TestConnectionButton kind={connectorKindOfUrl(url)} url={url} testId={`connection-${name}-test`} />
    </div>
  );
}
