import type { RestorePreview } from '../../engine/contract/EngineApi.js';
import { startRun } from '../actions/runActions.js';
import { useEditor } from '../EditorContext.js';
import { Modal } from './Modal.js';

/**
 * Before a saved graph resumes from a checkpoint it no longer matches: which nodes restore,
 * which start empty and why, and what that means downstream (a source that starts over while an
 * aggregate keeps its totals counts twice), with "Run from scratch" beside "Resume".
 */
export function ResumeDialog({ preview }: { preview: RestorePreview }) {
  const { store, actionContext } = useEditor();
  const run = (fresh: boolean) => {
    store.getState().openDialog(null);
    void startRun(actionContext, { fresh });
  };
  return (
    <Modal
      title={`Resume from checkpoint ${preview.checkpointId}?`}
      testId="resume-dialog"
      footer={
        <>
          <button onClick={() => store.getState().openDialog(null)}>Cancel</button>
          <button data-testid="resume-fresh" onClick={() => run(true)}>
            Run from scratch
          </button>
          <button
            className="primary"
            data-testid="resume-accept"
            disabled={preview.refusal !== null}
            title={preview.refusal ?? undefined}
            onClick={() => run(false)}
          >
            Resume
          </button>
        </>
      }
    >
      <p>The graph changed since its last checkpoint, so not all of its state can be restored.</p>
      {preview.refusal && (
        <p className="bad" data-testid="resume-refusal">
          It cannot resume: {preview.refusal}.
        </p>
      )}
      {preview.consequences.length > 0 && (
        <ul className="resume-consequences" data-testid="resume-consequences">
          {preview.consequences.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
      <table className="dock-table resume-table" data-testid="resume-nodes">
        <tbody>
          {preview.empty.map((n) => (
            <tr key={n.nodeId} data-testid={`resume-empty-${n.nodeId}`}>
              <td>
                <code>{n.nodeId}</code>
              </td>
              <td className="bad">starts empty</td>
              <td className="muted">{n.why}</td>
            </tr>
          ))}
          {preview.restored.map((id) => (
            <tr key={id} data-testid={`resume-restored-${id}`}>
              <td>
                <code>{id}</code>
              </td>
              <td className="good">restores</td>
              <td className="muted">as of checkpoint {preview.checkpointId}</td>
            </tr>
          ))}
          {preview.dropped.map((id) => (
            <tr key={id}>
              <td>
                <code>{id}</code>
              </td>
              <td className="muted">removed</td>
              <td className="muted">its state is dropped</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
