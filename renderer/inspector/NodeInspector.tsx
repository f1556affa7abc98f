import type { GraphFile, GraphNode } from '../../engine/contract/graphFile.js';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import { setConfigField, setNodeKey } from '../graph/graphEdits.js';
import { selectProblemsGrouped } from '../store/selectors.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { useEditor } from '../EditorContext.js';
import { FieldEditor } from './FieldEditor.js';
import { NodeOrganiseFields } from './OrganiseFields.js';
import { AlertRules } from './AlertRules.js';
import { ExpressionPreview, InjectForm, PinnedSample } from './DataTools.js';
import { ProblemList } from './ProblemList.js';
import { NodeConnectionTest } from './NodeConnectionTest.js';

/** The form for one node, generated from its descriptor's config schema. */
export function NodeInspector({ node }: { node: GraphNode }) {
  const { store } = useEditor();
  const descriptor = nodeRegistry.get(node.type);
  const problems = useEditorStore((s) => selectProblemsGrouped(s).byNode.get(node.id));
  const general =
    problems?.filter((p) => !p.field || !(descriptor && p.field.split(/[.[]/)[0]! in descriptor.config)) ?? [];
  const messagesFor = (field: string) =>
    problems?.filter((p) => p.field !== undefined && p.field.split(/[.[]/)[0] === field).map((p) => p.message);

  const commit = (graphUpdate: (g: GraphFile) => GraphFile, key: string) => {
    const s = store.getState();
    s.commitDocument(graphUpdate(s.graph), { coalesce: `${node.id}:${key}` });
  };

  return (
    <div className="inspector-body" data-testid="node-inspector">
      <div className={`inspector-head cat-${descriptor?.category ?? 'unknown'}`}>
        <div className="panel-title">{descriptor?.title ?? node.type}</div>
        <code className="type">{node.type}</code>
      </div>
      {descriptor && <p className="doc">{descriptor.doc}</p>}
      <ProblemList problems={general} />
      <div className="field">
        <label className="field-label">Id</label>
        <input type="text" value={node.id} readOnly className="readonly" data-testid="node-id" />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="node-label">
          Label
        </label>
        <input
          id="node-label"
          type="text"
          value={typeof node.label === 'string' ? node.label : ''}
          placeholder={node.id}
          data-testid="node-label"
          onChange={(e) => commit((g) => setNodeKey(g, node.id, 'label', e.target.value), 'label')}
        />
      </div>
      {descriptor && descriptor.maxParallelism !== 1 && (
        <div className="field">
          <label className="field-label" htmlFor="node-parallelism">
            Parallelism
          </label>
          <input
            id="node-parallelism"
            type="number"
            min={1}
            max={descriptor.maxParallelism}
            step={1}
            value={typeof node.parallelism === 'number' ? node.parallelism : ''}
            placeholder="1"
            onChange={(e) =>
              commit(
                (g) =>
                  setNodeKey(g, node.id, 'parallelism', e.target.value === '' ? undefined : Number(e.target.value)),
                'parallelism',
              )
            }
          />
          <div className="field-doc">Instances of this node, partitioned by key. Default: 1.</div>
        </div>
      )}
      <NodeOrganiseFields node={node} />
      {descriptor && Object.keys(descriptor.config).length > 0 && <div className="section-title">Configuration</div>}
      {descriptor &&
        Object.entries(descriptor.config).map(([field, schema]) => (
          <FieldEditor
            key={field}
            name={field}
            schema={schema}
            value={node.config?.[field]}
            messages={messagesFor(field)}
            testId={`field-${field}`}
            onChange={(v) => commit((g) => setConfigField(g, node.id, field, v), `config:${field}`)}
          />
        ))}
      {/* Under the form, next to the URL and queue or topic it tests. */}
      <NodeConnectionTest node={node} />
      <ExpressionPreview node={node} />
      {descriptor?.category === 'source' ? <PinnedSample node={node} /> : <InjectForm node={node} />}
      <AlertRules subject={{ kind: 'node', id: node.id }} />
    </div>
  );
}
