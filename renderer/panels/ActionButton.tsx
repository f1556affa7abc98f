import type { ReactNode } from 'react';
import { displayKeys } from '../actions/ActionManager.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';

/** A toolbar button for a registered action: label, shortcut in the tooltip, disabled with the reason. */
export function ActionButton({ id, children, className }: { id: string; children?: ReactNode; className?: string }) {
  const { actions } = useEditor();
  const action = actions.get(id);
  const reason = useEditorStore((s) => action?.disabledReason?.(s) ?? null);
  if (!action) return null;
  const keys = action.keys?.[0] ? ` (${displayKeys(action.keys[0])})` : '';
  return (
    <button
      className={className ?? 'tool'}
      disabled={reason !== null}
      title={reason ?? `${action.label}${keys}`}
      data-testid={`action-${id}`}
      onClick={() => actions.run(id)}
    >
      {children ?? action.label}
    </button>
  );
}
