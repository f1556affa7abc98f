import { useReactFlow } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import type { EditorState } from '../store/editorState.js';

const selectSearchOpen = (s: EditorState) => s.searchOpen;
const selectNodes = (s: EditorState) => s.graph.nodes;

/** Find a node by id, label or type; Enter or a click selects it and centres the view on it. */
export function NodeSearch() {
  const { store } = useEditor();
  const open = useEditorStore(selectSearchOpen);
  const nodes = useEditorStore(selectNodes);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const flow = useReactFlow();
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return nodes.slice(0, 12);
    return nodes
      .filter((n) => {
        const title = nodeRegistry.get(n.type)?.title ?? '';
        return [n.id, n.type, title, typeof n.label === 'string' ? n.label : ''].some((t) =>
          t.toLowerCase().includes(q),
        );
      })
      .slice(0, 12);
  }, [nodes, query]);

  if (!open) return null;
  const focus = (id: string) => {
    const s = store.getState();
    const node = flow.getNode(id);
    s.select([id]);
    s.setSearchOpen(false);
    setQuery('');
    if (node) {
      const w = node.measured?.width ?? 180;
      const h = node.measured?.height ?? 80;
      void flow.setCenter(node.position.x + w / 2, node.position.y + h / 2, {
        zoom: Math.max(flow.getZoom(), 1),
        duration: 300,
      });
    }
  };
  return (
    <div className="node-search" data-testid="node-search">
      <input
        autoFocus
        placeholder="Find node by name or type…"
        value={query}
        data-testid="node-search-input"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && matches[active]) focus(matches[active].id);
          else if (e.key === 'Escape') store.getState().setSearchOpen(false);
          else return;
          e.preventDefault();
        }}
        onBlur={() => setTimeout(() => store.getState().setSearchOpen(false), 150)}
      />
      <ul>
        {matches.map((n, i) => (
          <li key={n.id} className={i === active ? 'active' : ''} onMouseDown={() => focus(n.id)}>
            <strong>{typeof n.label === 'string' && n.label ? n.label : n.id}</strong>
            <span>{nodeRegistry.get(n.type)?.title ?? n.type}</span>
          </li>
        ))}
        {matches.length === 0 && <li className="empty">No node matches.</li>}
      </ul>
    </div>
  );
}
