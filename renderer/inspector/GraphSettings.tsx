import { useShallow } from 'zustand/react/shallow';
import { DEFAULT_SETTINGS, type GraphFile } from '../../engine/contract/graphFile.js';
import type { EditorState } from '../store/editorState.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { useEditor } from '../EditorContext.js';
import { AlertRules } from './AlertRules.js';
import { ProblemList } from './ProblemList.js';
import { ConnectionsPanel } from './ConnectionsPanel.js';

const selectGraphMeta = (s: EditorState) => s.graph;

type NumericSetting = 'checkpointIntervalMs' | 'defaultEdgeCapacity' | 'partitions';

function withSetting(g: GraphFile, key: NumericSetting, raw: string): GraphFile {
  const settings = { ...g.settings };
  if (raw === '') delete settings[key];
  else settings[key] = Number(raw);
  return { ...g, settings };
}

/** The graph's own settings, shown when nothing is selected. */
export function GraphSettings() {
  const { store } = useEditor();
  const commit = (update: (g: GraphFile) => GraphFile, key: string): void => {
    const s = store.getState();
    s.commitDocument(update(s.graph), { coalesce: `graph:${key}` });
  };
  const setSetting = (key: NumericSetting, raw: string): void => commit((g) => withSetting(g, key, raw), key);
  const graph = useEditorStore(selectGraphMeta);
  const problems = useEditorStore(useShallow((s) => s.problems.filter((p) => !p.nodeId && !p.edgeId)));
  return (
    <div className="inspector-body" data-testid="graph-settings">
      <div className="inspector-head">
        <div className="panel-title">Graph</div>
        <code className="type">
          {graph.nodes.length} nodes · {graph.edges.length} edges
        </code>
      </div>
      <ProblemList problems={problems} />
      <div className="field">
        <label className="field-label" htmlFor="graph-name">
          Name
        </label>
        <input
          id="graph-name"
          type="text"
          value={graph.name}
          data-testid="graph-name"
          onChange={(e) => commit((g) => ({ ...g, name: e.target.value }), 'name')}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="graph-description">
          Description
        </label>
        <textarea
          id="graph-description"
          rows={3}
          value={graph.description ?? ''}
          onChange={(e) =>
            commit((g) => {
              const { description: _old, ...rest } = g;
              return e.target.value === ''
                ? (rest as GraphFile)
                : ({ ...rest, description: e.target.value } as GraphFile);
            }, 'description')
          }
        />
      </div>
      <div className="section-title">Settings</div>
      <div className="field">
        <label className="field-label" htmlFor="graph-checkpoint">
          Checkpoint interval (ms)
        </label>
        <input
          id="graph-checkpoint"
          type="number"
          min={1}
          step={1}
          value={typeof graph.settings?.checkpointIntervalMs === 'number' ? graph.settings.checkpointIntervalMs : ''}
          placeholder={String(DEFAULT_SETTINGS.checkpointIntervalMs)}
          data-testid="graph-checkpoint"
          onChange={(e) => setSetting('checkpointIntervalMs', e.target.value)}
        />
        <div className="field-doc">How often state is checkpointed for exactly-once recovery.</div>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="graph-capacity">
          Default edge capacity
        </label>
        <input
          id="graph-capacity"
          type="number"
          min={1}
          step={1}
          value={typeof graph.settings?.defaultEdgeCapacity === 'number' ? graph.settings.defaultEdgeCapacity : ''}
          placeholder={String(DEFAULT_SETTINGS.defaultEdgeCapacity)}
          onChange={(e) => setSetting('defaultEdgeCapacity', e.target.value)}
        />
        <div className="field-doc">Queue size of edges that set no capacity of their own.</div>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="graph-partitions">
          Partitions (group runs)
        </label>
        <input
          id="graph-partitions"
          type="number"
          min={1}
          max={4096}
          step={1}
          value={typeof graph.settings?.partitions === 'number' ? graph.settings.partitions : ''}
          placeholder="none"
          data-testid="graph-partitions"
          onChange={(e) => setSetting('partitions', e.target.value)}
        />
        <div className="field-doc">
          How many partitions the keyed part is split into when the graph runs as a group (Run ▾ → Run as group member…,
          or sluice run --group); fixed for the life of a group.
        </div>
      </div>
      <AlertRules />
      <ConnectionsPanel />
    </div>
  );
}
