import { useMemo } from 'react';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import './debugTools.css';

/**
 * Over the canvas while alerts fire (SPEC §14): each firing alert's sentence; clicking one
 * selects the node or edge it watches. The newest clearing stays as a quiet line until the next run.
 */
export function AlertBanner() {
  const { store } = useEditor();
  const firingMap = useEditorStore((s) => s.firingAlerts);
  const last = useEditorStore((s) => s.alertChanges.at(-1) ?? null);
  const firing = useMemo(() => Object.values(firingMap).sort((a, b) => a.since - b.since), [firingMap]);
  if (firing.length === 0 && last?.kind !== 'cleared') return null;
  return (
    <div className={`alert-banner${firing.length ? ' firing' : ''}`} data-testid="alert-banner" role="status">
      {firing.length > 0 ? (
        <>
          <strong>
            {firing.length} alert{firing.length === 1 ? '' : 's'} firing
          </strong>
          <ul>
            {firing.map((a) => (
              <li key={a.alertId}>
                <button
                  data-testid="alert-firing"
                  title={a.subject.kind === 'run' ? a.when : `Select ${a.subject.kind} ${a.subject.id}`}
                  onClick={() => {
                    const subject = a.subject;
                    if (subject.kind === 'node') store.getState().select([subject.id]);
                    else if (subject.kind === 'edge') store.getState().select([], [subject.id]);
                  }}
                >
                  {a.message}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <span className="muted" data-testid="alert-cleared">
          Cleared: {last!.message}
        </span>
      )}
    </div>
  );
}
