import { useCallback } from 'react';
import { runIsActive } from '../actions/runActions.js';
import type { RunPanel } from '../store/runSlice.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { ChartsPanel } from './ChartsPanel.js';
import { DebugDockTab } from '../panels/DebugSidebar.js';
import { CheckpointsPanel } from './CheckpointsPanel.js';
import { DeadLettersPanel } from './DeadLettersPanel.js';
import { GroupPanel } from './GroupPanel.js';
import { LogPanel } from './LogPanel.js';
import { usePolled } from './usePolled.js';

/** The engine answers with the newest 1,000 dead letters at most (MAX_DEAD_LETTERS). */
const MAX_LISTED = 1000;

const TABS: Array<{ id: RunPanel; label: string }> = [
  { id: 'deadLetters', label: 'Dead letters' },
  { id: 'checkpoints', label: 'Checkpoints' },
  { id: 'charts', label: 'Charts' },
  { id: 'log', label: 'Log' },
];

/** The run's panels under the canvas: dead letters, checkpoints, charts, the log and a group member's Group, one at a time. */
export function RunDock() {
  const { store, engine } = useEditor();
  const panel = useEditorStore((s) => s.runPanel);
  const errors = useEditorStore((s) => {
    const nodes = s.frame?.nodes;
    let n = 0;
    if (nodes) for (const id in nodes) n += nodes[id]!.errors;
    return n;
  });
  // The badge counts what the Dead letters panel lists (one source), not the nodes' error
  // counters: an error routed to an error port, or not stored yet, is no dead letter.
  const runId = useEditorStore((s) => s.runId);
  const live = useEditorStore(runIsActive);
  const loadLetters = useCallback(() => engine.listDeadLetters({ runId: runId! }), [engine, runId]);
  const letters = usePolled(runId && errors > 0 ? loadLetters : null, live, 2000).value?.length ?? 0;
  const hasCharts = useEditorStore((s) => s.graph.nodes.some((n) => n.type === 'sink.chart'));
  // The Group tab is there while the run (or the last one) is a group member's.
  const group = useEditorStore((s) => s.groupRun);
  const tabs = group ? [...TABS, { id: 'group' as const, label: 'Group' }] : TABS;
  const toggle = (id: RunPanel) => store.getState().setRunPanel(panel === id ? null : id);
  return (
    <section className={`run-dock${panel ? ' open' : ''}`} data-testid="run-dock">
      <div className="dock-tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={panel === t.id}
            className={panel === t.id ? 'active' : ''}
            data-testid={`dock-tab-${t.id}`}
            onClick={() => toggle(t.id)}
          >
            {t.label}
            {t.id === 'deadLetters' && letters > 0 && (
              <span className="count error" data-testid="dead-letter-badge">
                {letters >= MAX_LISTED ? `${MAX_LISTED}+` : letters}
              </span>
            )}
            {t.id === 'charts' && hasCharts && <span className="count ok">live</span>}
            {t.id === 'group' && live && <span className="count ok">member</span>}
          </button>
        ))}
        <DebugDockTab />
      </div>
      {panel === 'deadLetters' && <DeadLettersPanel />}
      {panel === 'checkpoints' && <CheckpointsPanel />}
      {panel === 'charts' && <ChartsPanel />}
      {panel === 'log' && <LogPanel />}
      {panel === 'group' && <GroupPanel />}
    </section>
  );
}
