import { Modal } from './Modal.js';
import { useEditor } from '../EditorContext.js';

/** A clear message for something that went wrong (bad file), with one way out. */
export function MessageDialog({ title, text }: { title: string; text: string }) {
  const { store } = useEditor();
  return (
    <Modal
      title={title}
      testId="message-dialog"
      footer={
        <button className="primary" autoFocus onClick={() => store.getState().openDialog(null)}>
          OK
        </button>
      }
    >
      <p className="message-text" data-testid="message-text">
        {text}
      </p>
      <p className="muted">The current graph was not changed.</p>
    </Modal>
  );
}
