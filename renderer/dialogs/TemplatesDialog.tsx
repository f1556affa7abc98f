import { useEffect, useState } from 'react';
import type { ExampleInfo } from '../../engine/contract/EngineApi.js';
import { useEditor } from '../EditorContext.js';
import { openGraphText } from '../files/documentIo.js';
import { Modal } from './Modal.js';

/** The example graphs as templates; one opens as a new, unsaved document. */
export function TemplatesDialog() {
  const { store, engine, actionContext } = useEditor();
  const [examples, setExamples] = useState<ExampleInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    engine.listExamples().then(
      (list) => live && setExamples(list),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [engine]);

  const open = async (example: ExampleInfo) => {
    try {
      const { text } = await engine.openExample(example.id);
      if (
        openGraphText(actionContext, text, {
          kind: 'example',
          label: `template “${example.name}”`,
          exampleId: example.id,
        })
      ) {
        store.getState().openDialog(null);
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <Modal title="Templates" testId="templates-dialog" wide>
      {error && <p className="field-error">{error}</p>}
      {!examples && !error && <p className="muted">Loading…</p>}
      <div className="template-grid">
        {examples?.map((ex) => (
          <button key={ex.id} className="template" onClick={() => void open(ex)} data-testid={`template-${ex.id}`}>
            <strong>{ex.name}</strong>
            <span>{ex.description}</span>
          </button>
        ))}
      </div>
    </Modal>
  );
}
