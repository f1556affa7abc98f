import { useCallback } from 'react';
import { runIsActive } from '../actions/runActions.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { formatBytes, formatMs } from './format.js';
import { usePolled } from './usePolled.js';

/** The checkpoints in the run's state store, newest first: time, duration, size. */
export function CheckpointsPanel() {
  const { engine } = useEditor();
  const runId = useEditorStore((s) => s.runId);
  const live = useEditorStore(runIsActive);
  // The status bar's "checkpoint #N" comes from the frames; a new N reloads the list at once, so
  // the two never disagree for long.
  const lastId = useEditorStore((s) => s.frame?.run.checkpoints.lastId ?? null);
  const group = useEditorStore((s) => s.groupRun?.group ?? null);
  const load = useCallback(() => engine.listCheckpoints({ runId: runId! }), [engine, runId, lastId]);
  const { value, error } = usePolled(runId ? load : null, live);
  const list = [...(value ?? [])].sort((a, b) => b.id - a.id);
  return (
    <div className="dock-panel" data-testid="checkpoints-panel">
      {error && <p className="bad">{error}</p>}
      {list.length === 0 ? (
        <p className="muted dock-empty">
          {group !== null
            ? `A group member checkpoints each partition on its own, into JetStream (group ${group}), where any member can restore it: the Group panel shows each partition's latest.`
            : !runId
              ? 'Run the graph to see its checkpoints.'
              : lastId !== null
                ? `Checkpoint #${lastId} was taken; it is kept in the run's memory, not in a state store.`
                : 'No checkpoint yet.'}
        </p>
      ) : (
        <table className="dock-table">
          <thead>
            <tr>
              <th>#</th>
              <th>time</th>
              <th>duration</th>
              <th>size</th>
              <th>nodes</th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.id} data-testid="checkpoint-row" className={c.completedAt === null ? 'muted' : ''}>
                <td>{c.id}</td>
                <td>{new Date(c.startedAt).toLocaleTimeString([], { hour12: false })}</td>
                <td>{c.completedAt === null ? 'incomplete' : formatMs(c.durationMs)}</td>
                <td>{formatBytes(c.bytes)}</td>
                <td className="muted">{Object.keys(c.nodes).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
