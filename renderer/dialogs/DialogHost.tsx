import type { EditorState } from '../store/editorState.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { FileDialog } from './FileDialog.js';
import { GroupRunDialog } from './GroupRunDialog.js';
import { HelpOverlay } from './HelpOverlay.js';
import { MessageDialog } from './MessageDialog.js';
import { TemplatesDialog } from './TemplatesDialog.js';
import { ResumeDialog } from './ResumeDialog.js';
import { TrustDialog } from './TrustDialog.js';

const selectDialog = (s: EditorState) => s.dialog;

/** Shows the one open dialog. */
export function DialogHost() {
  const dialog = useEditorStore(selectDialog);
  switch (dialog?.kind) {
    case 'open':
      return <FileDialog mode="open" />;
    case 'saveAs':
      return <FileDialog mode="saveAs" />;
    case 'templates':
      return <TemplatesDialog />;
    case 'help':
      return <HelpOverlay />;
    case 'trust':
      return <TrustDialog />;
    case 'groupRun':
      return <GroupRunDialog />;
    case 'resume':
      return <ResumeDialog preview={dialog.preview} />;
    case 'message':
      return <MessageDialog title={dialog.title} text={dialog.text} />;
    default:
      return null;
  }
}
