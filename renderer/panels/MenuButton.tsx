import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';

/**
 * A toolbar button that opens a short list of registered actions. The list is rendered into
 * the document body at a fixed place under the button: the toolbar clips what overflows it
 * (so the window never scrolls sideways), and a dropdown inside it would be cut off.
 */
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
  const [place, setPlace] = useState<{ top: number; right: number } | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  useLayoutEffect(() => {
    if (!open || !ref.current) return;
    const box = ref.current.getBoundingClientRect();
    setPlace({ top: box.bottom + 4, right: Math.max(4, window.innerWidth - box.right) });
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!ref.current?.contains(target) && !listRef.current?.contains(target)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const dismiss = () => setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', escape);
    window.addEventListener('resize', dismiss);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', escape);
      window.removeEventListener('resize', dismiss);
    };
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
      {open &&
        place &&
        createPortal(
          <ul
            className="menu-list"
            role="menu"
            ref={listRef}
            data-testid={`${testId}-list`}
            style={{ position: 'fixed', top: place.top, right: place.right }}
          >
            {actionIds.map((id) => (
              <MenuItem key={id} id={id} onDone={() => setOpen(false)} />
            ))}
          </ul>,
          document.body,
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
