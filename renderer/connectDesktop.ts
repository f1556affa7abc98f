import type { IpcEngineClient, MenuCommand } from './api/IpcEngineClient.js';
import type { Editor } from './EditorContext.js';
import { openGraphText } from './files/documentIo.js';
import { selectDirty } from './store/selectors.js';

/** Menu commands that are plain editor actions. */
const MENU_ACTIONS: Partial<Record<MenuCommand, string>> = {
  'file.new': 'new',
  'file.save': 'save',
  'file.saveAs': 'saveAs',
  'file.export': 'export',
  'edit.undo': 'undo',
  'edit.redo': 'redo',
  'run.start': 'run',
  'run.group': 'runGroup',
  'view.fit': 'fitView',
  'view.zoomIn': 'zoomIn',
  'view.zoomOut': 'zoomOut',
  'help.shortcuts': 'help',
};

/**
 * Inside the desktop app: menu commands run editor actions, a path from a native dialog opens
 * that file, and the window title and dirty marker follow the document.
 */
export function connectDesktop(client: IpcEngineClient, editor: Editor): void {
  const { store, actions, actionContext } = editor;
  client.onMenuCommand((event) => {
    const action = MENU_ACTIONS[event.command];
    if (action) return actions.run(action);
    if ((event.command === 'file.open' || event.command === 'file.import') && event.path) {
      const path = event.path;
      client.openFile(path).then(
        (file) =>
          openGraphText(actionContext, file.text, {
            kind: event.command === 'file.open' ? 'file' : 'import',
            filePath: file.path,
            label: path.split(/[\\/]/).pop() ?? path,
          }),
        (err: unknown) => store.getState().notify(err instanceof Error ? err.message : String(err), 'error'),
      );
    } else if (event.command === 'file.open') {
      actions.run('open');
    } else if (event.command === 'file.import') {
      actions.run('import');
    }
  });
  let lastName: string | null = null;
  let lastDirty: boolean | null = null;
  const sync = () => {
    const s = store.getState();
    const dirty = selectDirty(s);
    if (s.graph.name !== lastName) void client.setTitle((lastName = s.graph.name));
    if (dirty !== lastDirty) void client.setDirty((lastDirty = dirty));
  };
  sync();
  store.subscribe(sync);
}
