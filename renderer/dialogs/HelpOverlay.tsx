import { displayKeys, type ActionGroup } from '../actions/ActionManager.js';
import { useEditor } from '../EditorContext.js';
import { Modal } from './Modal.js';

const GROUPS: ActionGroup[] = ['File', 'Edit', 'View', 'Run'];
const CANVAS_TIPS: Array<[string, string]> = [
  ['Drag', 'Move nodes; drag the background to pan'],
  ['Shift+Drag', 'Box-select'],
  ['Ctrl/Shift+Click', 'Add to selection'],
  ['Drag a port', 'Connect; drop on a port of another node'],
  ['Escape', 'Clear selection, close dialogs'],
];

/** Every shortcut, straight from the registered actions, so it never drifts from what works. */
export function HelpOverlay() {
  const { actions } = useEditor();
  const all = actions.list();
  return (
    <Modal title="Keyboard shortcuts" testId="help-overlay" wide>
      <div className="help-grid">
        {GROUPS.map((g) => (
          <section key={g}>
            <h3>{g}</h3>
            <dl>
              {all
                .filter((a) => a.group === g && a.keys?.length)
                .map((a) => (
                  <div key={a.id}>
                    <dt>{a.label}</dt>
                    <dd>
                      {a.keys!.slice(0, 2).map((k) => (
                        <kbd key={k}>{displayKeys(k)}</kbd>
                      ))}
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
        <section>
          <h3>Canvas</h3>
          <dl>
            {CANVAS_TIPS.map(([k, v]) => (
              <div key={k}>
                <dt>{v}</dt>
                <dd>
                  <kbd>{k}</kbd>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
    </Modal>
  );
}
