import { ControlButton, EdgeLabelRenderer, useReactFlow, ViewportPortal } from '@xyflow/react';
import { memo, useMemo, useRef, useState } from 'react';
import type { GraphGroup, GraphNote } from '../../engine/contract/graphFile.js';
import { useEditor } from '../EditorContext.js';
import { groupsOf, notesOf, NOTE_SIZE, removeNote, renameGroup, ungroup, updateNote } from '../graph/organiseEdits.js';
import { useEditorStore } from '../store/useEditorStore.js';
import '../panels/debugTools.css';

/** A node's size before React Flow has measured it. */
const NODE_SIZE = { width: 180, height: 90 };
const GROUP_PAD = 20;
const GROUP_TITLE = 26;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const GroupBox = memo(function GroupBox({ group, box }: { group: GraphGroup; box: Box }) {
  const { store } = useEditor();
  const [editing, setEditing] = useState(false);
  const commit = (title: string) => {
    const s = store.getState();
    s.commitDocument(renameGroup(s.graph, group.id, title), { coalesce: `group:${group.id}:title` });
  };
  return (
    <div
      className="sl-group"
      data-testid={`group-${group.id}`}
      style={{ transform: `translate(${box.x}px, ${box.y}px)`, width: box.width, height: box.height }}
    >
      <div className="sl-group-title nodrag nopan">
        {editing ? (
          <input
            autoFocus
            data-testid={`group-title-input-${group.id}`}
            value={group.title}
            onChange={(e) => commit(e.target.value)}
            onBlur={() => setEditing(false)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === 'Escape') setEditing(false);
            }}
          />
        ) : (
          <span
            data-testid={`group-title-${group.id}`}
            title="Double-click to rename"
            onDoubleClick={() => setEditing(true)}
          >
            {group.title || 'Untitled group'}
          </span>
        )}
        <button
          className="sl-organise-x"
          title="Ungroup (the nodes stay)"
          data-testid={`group-remove-${group.id}`}
          onClick={() => {
            const s = store.getState();
            s.commitDocument(ungroup(s.graph, group.id));
          }}
        >
          ×
        </button>
      </div>
    </div>
  );
});

const NoteCard = memo(function NoteCard({ note }: { note: GraphNote }) {
  const { store } = useEditor();
  const flow = useReactFlow();
  const drag = useRef<{ x: number; y: number; from: { x: number; y: number } } | null>(null);
  const [moving, setMoving] = useState<{ x: number; y: number } | null>(null);
  const at = moving ?? note.position;
  const width = typeof note.width === 'number' ? note.width : NOTE_SIZE.width;
  const height = typeof note.height === 'number' ? note.height : NOTE_SIZE.height;
  const edit = (patch: Partial<GraphNote>, coalesce?: string) => {
    const s = store.getState();
    s.commitDocument(updateNote(s.graph, note.id, patch), coalesce ? { coalesce } : undefined);
  };
  return (
    <div
      className="sl-note"
      data-testid={`note-${note.id}`}
      style={{ transform: `translate(${at.x}px, ${at.y}px)`, width, height }}
    >
      <div
        className="sl-note-bar nodrag nopan"
        title="Drag to move the note"
        data-testid={`note-bar-${note.id}`}
        onPointerDown={(e) => {
          if ((e.target as HTMLElement).closest('button')) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, from: note.position };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          const zoom = flow.getZoom();
          setMoving({ x: d.from.x + (e.clientX - d.x) / zoom, y: d.from.y + (e.clientY - d.y) / zoom });
        }}
        onPointerUp={() => {
          const to = moving;
          drag.current = null;
          setMoving(null);
          if (to) edit({ position: { x: Math.round(to.x), y: Math.round(to.y) } });
        }}
      >
        <span>Note</span>
        <button
          className="sl-organise-x"
          title="Delete the note"
          data-testid={`note-remove-${note.id}`}
          onClick={() => {
            const s = store.getState();
            s.commitDocument(removeNote(s.graph, note.id));
          }}
        >
          ×
        </button>
      </div>
      <textarea
        className="nodrag nopan nowheel"
        data-testid={`note-text-${note.id}`}
        placeholder="Write a note…"
        value={note.text}
        onChange={(e) => edit({ text: e.target.value }, `note:${note.id}:text`)}
      />
    </div>
  );
});

/**
 * Sticky notes and titled groups on the canvas, in flow coordinates. Groups are drawn behind
 * the nodes (in the edge-label layer), as a box around wherever their members are; notes above.
 */
export function OrganiseLayer() {
  const graph = useEditorStore((s) => s.graph);
  const measured = useEditorStore((s) => s.measured);
  const notes = useMemo(() => notesOf(graph), [graph]);
  const groups = useMemo(() => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    return groupsOf(graph).flatMap((group) => {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const id of group.nodes) {
        const p = byId.get(id)?.position;
        if (!p) continue;
        const size = measured[id] ?? NODE_SIZE;
        x0 = Math.min(x0, p.x);
        y0 = Math.min(y0, p.y);
        x1 = Math.max(x1, p.x + size.width);
        y1 = Math.max(y1, p.y + size.height);
      }
      if (x0 === Infinity) return [];
      const box = {
        x: x0 - GROUP_PAD,
        y: y0 - GROUP_PAD - GROUP_TITLE,
        width: x1 - x0 + 2 * GROUP_PAD,
        height: y1 - y0 + 2 * GROUP_PAD + GROUP_TITLE,
      };
      return [{ group, box }];
    });
  }, [graph, measured]);
  return (
    <>
      {groups.length > 0 && (
        <EdgeLabelRenderer>
          {groups.map(({ group, box }) => (
            <GroupBox key={group.id} group={group} box={box} />
          ))}
        </EdgeLabelRenderer>
      )}
      {notes.length > 0 && (
        <ViewportPortal>
          {notes.map((note) => (
            <NoteCard key={note.id} note={note} />
          ))}
        </ViewportPortal>
      )}
    </>
  );
}

/** The canvas control that adds a sticky note (as Shift+N does). */
export function AddNoteControl() {
  const { actions } = useEditor();
  return (
    <ControlButton
      title="Add a sticky note (Shift+N)"
      aria-label="Add a sticky note"
      data-testid="canvas-add-note"
      onClick={() => void actions.run('addNote')}
    >
      <span className="sl-note-control">✎</span>
    </ControlButton>
  );
}
