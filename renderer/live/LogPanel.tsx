import { useEditorStore } from '../store/useEditorStore.js';

/** The run's newest log lines (sink.console output, warnings, recoveries). */
export function LogPanel() {
  const logs = useEditorStore((s) => s.logs);
  if (logs.length === 0) return <p className="muted dock-empty">Nothing logged yet.</p>;
  return (
    <ol className="dock-panel log-list" data-testid="log-panel">
      {logs.map((l) => (
        <li key={l.seq} className={l.level}>
          {l.nodeId && <code>{l.nodeId}</code>} {l.message}
        </li>
      ))}
    </ol>
  );
}
