import { memo, useState } from 'react';
import { useEditor } from '../EditorContext.js';
import type { TapEntry } from '../store/runSlice.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { SaveAsContract } from './SaveAsContract.js';
import { toggleTap } from './toggleTap.js';

const TapRow = memo(function TapRow({ entry }: { entry: TapEntry }) {
  const e = entry.event;
  return (
    <li data-testid="tap-event">
      <div className="tap-meta">
        <code>{e.id}</code>
        <span>key {e.key === null ? 'null' : <code>{e.key}</code>}</span>
        <span className="muted">{new Date(e.time).toISOString().slice(11, 23)}</span>
      </div>
      <pre>{JSON.stringify(e.value, null, 2)}</pre>
    </li>
  );
});

/**
 * The tapped edge's live sample, newest first: the runtime samples the events crossing it so a
 * fast edge costs nothing extra. Pause keeps the list still to read; copy takes it as JSON.
 */
export function TapPanel() {
  const { store, actionContext } = useEditor();
  const tap = useEditorStore((s) => s.tap);
  const [copied, setCopied] = useState(false);
  if (!tap) return null;
  const newestFirst = [...tap.events].reverse();
  return (
    <aside className="tap-panel" data-testid="tap-panel">
      <div className="tap-head">
        <strong>
          Tap <code>{tap.edgeId}</code>
        </strong>
        <span className="muted" data-testid="tap-received">
          {tap.received} sampled
        </span>
        <button
          className="icon"
          title="Close the tap"
          data-testid="tap-close"
          onClick={() => void toggleTap(actionContext, null)}
        >
          ×
        </button>
      </div>
      <div className="tap-tools">
        <button data-testid="tap-pause" onClick={() => store.getState().setTapPaused(!tap.paused)}>
          {tap.paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
        <button
          data-testid="tap-copy"
          disabled={tap.events.length === 0}
          onClick={() => {
            const text = JSON.stringify(
              tap.events.map((t) => t.event),
              null,
              2,
            );
            void actionContext.clipboard.writeText(text).then(
              () => setCopied(true),
              () => store.getState().notify('The browser refused the clipboard.', 'error'),
            );
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? 'Copied' : 'Copy JSON'}
        </button>
        {tap.paused && <span className="muted">paused</span>}
      </div>
      <SaveAsContract edgeId={tap.edgeId} />
      {newestFirst.length === 0 ? (
        <p className="muted dock-empty">Waiting for events on this edge…</p>
      ) : (
        <ol className="tap-list">
          {newestFirst.slice(0, 50).map((entry) => (
            <TapRow key={entry.seq} entry={entry} />
          ))}
        </ol>
      )}
    </aside>
  );
}
