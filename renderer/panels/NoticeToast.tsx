import { useEffect } from 'react';
import type { EditorState } from '../store/editorState.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';

const selectNotice = (s: EditorState) => s.notice;

/** The short message at the bottom; errors stay a little longer. */
export function NoticeToast() {
  const { store } = useEditor();
  const notice = useEditorStore(selectNotice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(
      () => {
        if (store.getState().notice?.id === notice.id) store.getState().dismissNotice();
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
      onClick={() => store.getState().dismissNotice()}
    >
      {notice.text}
    </div>
  );
}
