import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';

/** A toolbar button that opens a short list of registered actions. */
export function MenuButton({
  label,
  actionIds,
  testId,
  className,
}: {
  label: ReactNode;
  actionIds: readonly string[];
  testId: string;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="menu" ref={ref}>
      <button
        className={className ?? 'tool'}
        data-testid={testId}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {label}
      </button>
      {open && (
        <ul className="menu-list" role="menu">
          {actionIds.map((id) => (
            <MenuItem key={id} id={id} onDone={() => setOpen(false)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function MenuItem({ id, onDone }: { id: string; onDone(): void }) {
  const { actions } = useEditor();
  const action = actions.get(id);
  const reason = useEditorStore((s) => action?.disabledReason?.(s) ?? null);
  if (!action) return null;
  return (
    <li role="none">
      <button
        role="menuitem"
        disabled={reason !== null}
        title={reason ?? undefined}
        data-testid={`menu-${id}`}
        onClick={() => {
          onDone();
          actions.run(id);
        }}
      >
        {action.label}
        {reason && <span className="muted">{reason}</span>}
      </button>
    </li>
  );
}
