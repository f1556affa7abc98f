import { nodeRegistry } from '../../engine/nodes/registry.js';
import { requestRun } from '../actions/runActions.js';
import { useEditor } from '../EditorContext.js';
import { codeFingerprint } from '../files/codeFingerprint.js';
import { trustCode } from '../files/trustStore.js';
import { Modal } from './Modal.js';

/** Asks before code written elsewhere runs (SPEC §2); trust is remembered for this exact code. */
export function TrustDialog() {
  const { store, actionContext } = useEditor();
  const s = store.getState();
  const codeNodes = s.graph.nodes.filter(
    (n) =>
      nodeRegistry.get(n.type)?.runsUserCode ||
      Object.entries(nodeRegistry.get(n.type)?.config ?? {}).some(
        ([f, sch]) => (sch.kind === 'expression' || sch.kind === 'code') && n.config?.[f],
      ),
  );
  return (
    <Modal
      title="Run code from elsewhere?"
      testId="trust-dialog"
      footer={
        <>
          <button onClick={() => store.getState().openDialog(null)}>Cancel</button>
          <button
            className="primary"
            data-testid="trust-accept"
            onClick={() => {
              const now = store.getState();
              trustCode(actionContext.storage, codeFingerprint(now.graph, nodeRegistry));
              now.setTrusted(true);
              const asked = now.dialog?.kind === 'trust' ? now.dialog : null;
              if (asked?.then === 'group') return now.openDialog({ kind: 'groupRun' });
              now.openDialog(null);
              void requestRun(actionContext, { fresh: asked?.fresh === true });
            }}
          >
            Trust and run
          </button>
        </>
      }
    >
      <p>
        This graph holds JavaScript that was not written on this machine. Running it gives that code the same access as
        Sluice. Review it in the inspector if you are unsure.
      </p>
      <p className="muted">Nodes with code: {codeNodes.map((n) => n.id).join(', ') || 'none found'}.</p>
    </Modal>
  );
}
