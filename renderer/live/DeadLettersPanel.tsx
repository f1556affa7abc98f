import { useCallback, useState } from 'react';
import type { DeadLetter } from '../../engine/contract/EngineApi.js';
import { runIsActive } from '../actions/runActions.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { usePolled } from './usePolled.js';

/** One line per dead letter: `{ id, node, error, time, event }`. */
export function deadLettersJsonl(letters: readonly DeadLetter[]): string {
  return (
    letters
      .map((d) => JSON.stringify({ id: d.id, node: d.nodeId, error: d.error, time: d.time, event: d.event }))
      .join('\n') + (letters.length ? '\n' : '')
  );
}

/** The run's failed events with their node and error; export as JSONL; replay selected ones. */
export function DeadLettersPanel() {
  const { engine, actionContext } = useEditor();
  const runId = useEditorStore((s) => s.runId);
  const live = useEditorStore(runIsActive);
  const name = useEditorStore((s) => s.graph.name);
  const load = useCallback(() => engine.listDeadLetters({ runId: runId! }), [engine, runId]);
  const { value, error, refresh } = usePolled(runId ? load : null, live);
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const letters = value ?? [];
  const notify = useEditorStore((s) => s.notify);
  return (
    <div className="dock-panel" data-testid="dead-letters-panel">
      <div className="dock-tools">
        <span data-testid="dead-letter-count">
          {letters.length} dead letter{letters.length === 1 ? '' : 's'}
          {letters.length >= 1000 ? ' (newest 1,000)' : ''}
        </span>
        <button onClick={refresh}>Refresh</button>
        <button
          disabled={letters.length === 0}
          data-testid="dead-letters-export"
          onClick={() =>
            actionContext.download(
              `${name || 'graph'}-dead-letters.jsonl`,
              deadLettersJsonl(letters),
              'application/x-ndjson',
            )
          }
        >
          Export JSONL
        </button>
        <button
          disabled={picked.size === 0 || !live}
          data-testid="dead-letters-replay"
          title={
            live ? 'Feed the selected events back into their nodes' : 'Run the graph again to replay its dead letters.'
          }
          onClick={() => {
            if (!runId) return;
            engine.replayDeadLetters(runId, [...picked]).then(
              ({ replayed }) => {
                setPicked(new Set());
                notify(`Replayed ${replayed} dead letter${replayed === 1 ? '' : 's'} into their nodes.`);
                refresh();
              },
              (err: unknown) => notify(err instanceof Error ? err.message : String(err), 'error'),
            );
          }}
        >
          Replay selected
        </button>
        {error && <span className="bad">{error}</span>}
      </div>
      {letters.length === 0 ? (
        <p className="muted dock-empty">
          {runId
            ? 'No failed events. Events that throw in user code, with no error port connected, land here.'
            : 'Run the graph to see its dead letters.'}
        </p>
      ) : (
        <table className="dock-table">
          <thead>
            <tr>
              <th />
              <th>node</th>
              <th>error</th>
              <th>event</th>
            </tr>
          </thead>
          <tbody>
            {letters.map((d) => (
              <tr key={d.id} data-testid="dead-letter">
                <td>
                  <input
                    type="checkbox"
                    checked={picked.has(d.id)}
                    onChange={(e) => {
                      const next = new Set(picked);
                      if (e.target.checked) next.add(d.id);
                      else next.delete(d.id);
                      setPicked(next);
                    }}
                  />
                </td>
                <td>
                  <code>{d.nodeId}</code>
                </td>
                <td className="bad">{d.error}</td>
                <td>
                  <code className="json-inline">{JSON.stringify(d.event.value)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
