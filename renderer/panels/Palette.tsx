import { useReactFlow } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { NODE_CATEGORIES, type NodeDescriptor } from '../../engine/contract/descriptor.js';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import { NODE_TYPE_MIME } from '../canvas/Canvas.js';
import { addNode } from '../graph/graphEdits.js';
import { useEditor } from '../EditorContext.js';

const CATEGORY_TITLES: Record<string, string> = {
  source: 'Sources',
  transform: 'Transform',
  stateful: 'Stateful',
  routing: 'Routing',
  sink: 'Sinks',
};

/** Node types from the descriptors, grouped by category and searchable; drag one onto the canvas. */
export function Palette() {
  const { store } = useEditor();
  const [query, setQuery] = useState('');
  const flow = useReactFlow();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = [...nodeRegistry.values()].filter(
      (d) => !q || [d.type, d.title, d.doc].some((t) => t.toLowerCase().includes(q)),
    );
    return NODE_CATEGORIES.map((c) => ({ category: c, items: all.filter((d) => d.category === c) })).filter(
      (g) => g.items.length,
    );
  }, [query]);

  // Double-click or Enter adds at the centre of the view, for keyboard users and trackpads.
  const addAtCentre = (d: NodeDescriptor) => {
    const s = store.getState();
    const el = document.querySelector('.canvas')?.getBoundingClientRect();
    const p = el ? flow.screenToFlowPosition({ x: el.left + el.width / 2, y: el.top + el.height / 2 }) : { x: 0, y: 0 };
    const { graph, id } = addNode(s.graph, d.type, { x: p.x - 90, y: p.y - 40 });
    s.commitDocument(graph);
    s.select([id]);
  };

  return (
    <aside className="palette" data-testid="palette">
      <div className="panel-title">Nodes</div>
      <input
        className="search"
        type="search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      <div className="palette-groups">
        {groups.map((g) => (
          <section key={g.category}>
            <h3>{CATEGORY_TITLES[g.category] ?? g.category}</h3>
            {g.items.map((d) => (
              <div
                key={d.type}
                className={`palette-item cat-${d.category}`}
                draggable
                tabIndex={0}
                title={d.doc}
                data-testid={`palette-${d.type}`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(NODE_TYPE_MIME, d.type);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={() => addAtCentre(d)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') addAtCentre(d);
                }}
              >
                <span className="palette-dot" />
                <span className="palette-name">{d.title}</span>
                <span className="palette-type">{d.type}</span>
              </div>
            ))}
          </section>
        ))}
        {groups.length === 0 && <p className="muted">No node type matches “{query}”.</p>}
      </div>
    </aside>
  );
}
