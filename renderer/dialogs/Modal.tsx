import type { ReactNode } from 'react';
import { useEditor } from '../EditorContext.js';

/** A centred dialog over a dimmed editor; a click outside or Escape closes it. */
export function Modal({
  title,
  children,
  footer,
  testId,
  wide,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
  testId: string;
  wide?: boolean;
}) {
  const { store } = useEditor();
  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && store.getState().openDialog(null)}
    >
      <div className={`modal${wide ? ' wide' : ''}`} role="dialog" aria-label={title} data-testid={testId}>
        <div className="modal-head">
          <h2>{title}</h2>
          <button className="icon" title="Close (Esc)" onClick={() => store.getState().openDialog(null)}>
            ×
          </button>
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-foot">{footer}</div>}
      </div>
    </div>
  );
}
