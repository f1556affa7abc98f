import { useState } from 'react';
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
import { TestConnectionButton } from './TestConnectionButton.js';

const selectConnections = (s: EditorState) => s.graph.connections;

/**
 * The graph's named connections (SPEC §10): a connector node's `url` may name one. Add, edit
 * and remove them here; a URL may hold `${env:NAME}`, and one with a plain-text password is
 * flagged, since the graph file must never carry secrets.
 */
export function ConnectionsPanel() {
  const { store } = useEditor();
  useEditorStore(selectConnections);
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
      </p>
      {connections.map((c) => (
        <ConnectionRow key={c.name} connection={c} commit={commit} />
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
    </div>
  );
}

function ConnectionRow({
  connection,
  commit,
}: {
  connection: NamedConnection;
  commit: (update: (g: GraphFile) => GraphFile, key: string) => void;
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
      <TestConnectionButton kind={connectorKindOfUrl(url)} url={url} testId={`connection-${name}-test`} />
    </div>
  );
}
