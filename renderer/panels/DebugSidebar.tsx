import { memo, useMemo, useState } from 'react';
import { setNodeDebug } from '../actions/debugActions.js';
import { useEditor } from '../EditorContext.js';
import { filterDebugMessages, type DebugMessage } from '../store/debugSlice.js';
import { useEditorStore } from '../store/useEditorStore.js';
import './debugTools.css';

/** Rows drawn at once; the rest are kept (up to DEBUG_KEEP) and reached by filtering. */
const SHOWN = 200;

/** The dock's tab that shows or hides the debug sidebar, with how many messages it holds. */
export function DebugDockTab() {
  const { actions } = useEditor();
  const open = useEditorStore((s) => s.debugOpen);
  const count = useEditorStore((s) => s.debugMessages.length);
  return (
    <button
      role="tab"
      aria-selected={open}
      className={open ? 'active' : ''}
      data-testid="dock-tab-debug"
      title="Show/hide the debug sidebar (Ctrl+Shift+B)"
      onClick={() => void actions.run('debugSidebar')}
    >
      Debug messages{count > 0 && <span className="count ok">{count}</span>}
    </button>
  );
}

/** Select the node a message came from and bring it into view at the current zoom. */
export function revealNode(editor: ReturnType<typeof useEditor>, nodeId: string): void {
  const s = editor.store.getState();
  if (!s.graph.nodes.some((n) => n.id === nodeId)) return;
  s.select([nodeId]);
  const flow = editor.actionContext.flow();
  if (flow) {
    const zoom = flow.getZoom();
    void flow.fitView({ nodes: [{ id: nodeId }], minZoom: zoom, maxZoom: zoom, duration: 200 });
  }
}

const MessageRow = memo(function MessageRow({
  message,
  label,
  onReveal,
  onCopy,
}: {
  message: DebugMessage;
  label: string;
  onReveal: (nodeId: string) => void;
  onCopy: (text: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const e = message.event;
  const preview = JSON.stringify(e.value);
  return (
    <li className={`debug-msg${open ? ' open' : ''}`} data-testid="debug-message" data-node={message.nodeId}>
      <div
        className="debug-msg-head"
        role="button"
        tabIndex={0}
        aria-expanded={open}
        title="Show the message as JSON and its node on the canvas"
        onClick={() => {
          setOpen(!open);
          onReveal(message.nodeId);
        }}
        onKeyDown={(k) => {
          if (k.key === 'Enter' || k.key === ' ') {
            k.preventDefault();
            setOpen(!open);
            onReveal(message.nodeId);
          }
        }}
      >
        <span className="debug-caret">{open ? '▾' : '▸'}</span>
        <span className="debug-node" data-testid="debug-message-node">
          {label}
        </span>
        <span className="muted">{new Date(e.time).toISOString().slice(11, 23)}</span>
        <span className="muted">key {e.key === null ? 'null' : <code>{e.key}</code>}</span>
      </div>
      {open ? (
        <>
          <pre data-testid="debug-message-json">{JSON.stringify(e, null, 2)}</pre>
          <button
            className="debug-small"
            data-testid="debug-message-copy"
            onClick={() => onCopy(JSON.stringify(e, null, 2))}
          >
            Copy
          </button>
        </>
      ) : (
        <code className="debug-preview">{preview.length > 160 ? `${preview.slice(0, 160)}…` : preview}</code>
      )}
    </li>
  );
});

/**
 * The debug sidebar: messages of the nodes marked "debug" (and of a tapped edge), newest first,
 * filtered by node and by text, each expandable as JSON and copyable. Kept after the run stops;
 * clicking a message selects its node on the canvas.
 */
export function DebugSidebar() {
  const editor = useEditor();
  const { store, actionContext } = editor;
  const open = useEditorStore((s) => s.debugOpen);
  const messages = useEditorStore((s) => s.debugMessages);
  const filter = useEditorStore((s) => s.debugFilter);
  const debugNodes = useEditorStore((s) => s.debugNodes);
  const nodes = useEditorStore((s) => s.graph.nodes);
  const shown = useMemo(() => filterDebugMessages(messages, filter), [messages, filter]);
  const labels = useMemo(
    () => new Map(nodes.map((n) => [n.id, typeof n.label === 'string' && n.label ? n.label : n.id])),
    [nodes],
  );
  const filterNodes = useMemo(() => {
    const ids = new Set(Object.keys(debugNodes));
    for (const m of messages) ids.add(m.nodeId);
    if (filter.nodeId) ids.add(filter.nodeId);
    return [...ids].sort();
  }, [debugNodes, messages, filter.nodeId]);
  if (!open) return null;

  const copy = (text: string) =>
    void actionContext.clipboard.writeText(text).then(
      () => store.getState().notify('Copied to the clipboard.'),
      () => store.getState().notify('The browser refused the clipboard.', 'error'),
    );
  const reveal = (nodeId: string) => revealNode(editor, nodeId);

  return (
    <aside className="debug-sidebar" data-testid="debug-sidebar" aria-label="Debug messages">
      <div className="debug-head">
        <strong>Debug</strong>
        <span className="muted" data-testid="debug-count">
          {shown.length === messages.length ? `${messages.length}` : `${shown.length} of ${messages.length}`} messages
        </span>
        <button
          className="icon"
          title="Hide the debug sidebar"
          data-testid="debug-close"
          onClick={() => store.getState().setDebugOpen(false)}
        >
          ×
        </button>
      </div>
      <div className="debug-tools">
        <select
          data-testid="debug-filter-node"
          value={filter.nodeId ?? ''}
          onChange={(e) => store.getState().setDebugFilter({ nodeId: e.target.value === '' ? null : e.target.value })}
        >
          <option value="">All nodes</option>
          {filterNodes.map((id) => (
            <option key={id} value={id}>
              {labels.get(id) ?? id}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder="Filter text"
          data-testid="debug-filter-text"
          value={filter.text}
          onChange={(e) => store.getState().setDebugFilter({ text: e.target.value })}
        />
      </div>
      <div className="debug-tools">
        <button
          className="debug-small"
          data-testid="debug-copy-all"
          disabled={shown.length === 0}
          onClick={() =>
            copy(
              JSON.stringify(
                shown.map((m) => ({ node: m.nodeId, edge: m.edgeId, ...m.event })),
                null,
                2,
              ),
            )
          }
        >
          Copy shown
        </button>
        <button
          className="debug-small"
          data-testid="debug-clear"
          disabled={messages.length === 0}
          onClick={() => store.getState().clearDebug()}
        >
          Clear
        </button>
        <span className="debug-on">
          {Object.keys(debugNodes).map((id) => (
            <button
              key={id}
              className="debug-chip"
              title={`Stop debugging ${id}`}
              data-testid={`debug-chip-${id}`}
              onClick={() => void setNodeDebug(actionContext, id, false)}
            >
              {labels.get(id) ?? id} ×
            </button>
          ))}
        </span>
      </div>
      {messages.length === 0 ? (
        <p className="muted debug-empty" data-testid="debug-empty">
          {Object.keys(debugNodes).length === 0
            ? 'Mark a node with its “dbg” button (or Ctrl+Shift+G) to see its messages here while the graph runs.'
            : 'Waiting for messages: run the graph.'}
        </p>
      ) : (
        <ol className="debug-list">
          {shown.slice(0, SHOWN).map((m) => (
            <MessageRow
              key={m.seq}
              message={m}
              label={labels.get(m.nodeId) ?? m.nodeId}
              onReveal={reveal}
              onCopy={copy}
            />
          ))}
          {shown.length > SHOWN && (
            <li className="muted debug-more">{shown.length - SHOWN} older messages kept: filter to see them.</li>
          )}
        </ol>
      )}
    </aside>
  );
}
