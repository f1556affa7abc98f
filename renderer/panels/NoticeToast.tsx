import { useEffect } from 'react';
import type { EditorState } from '../store/editorState.js';
import { editorStore, useEditorStore } from '../store/useEditorStore.js';

const selectNotice = (s: EditorState) => s.notice;

/** The short message at the bottom; errors stay a little longer. */
export function NoticeToast() {
  const notice = useEditorStore(selectNotice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(
      () => {
        if (editorStore.getState().notice?.id === notice.id) editorStore.getState().dismissNotice();
      },
      notice.tone === 'error' ? 5000 : 3000,
    );
    return () => clearTimeout(t);
  }, [notice]);
  if (!notice) return null;
  return (
    <div
      className={`notice ${notice.tone}`}
      role="status"
      data-testid="notice"
      onClick={() => editorStore.getState().dismissNotice()}
    >
      {notice.text}
    </div>
  );
}
