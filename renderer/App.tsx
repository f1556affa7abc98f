import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useSyncExternalStore } from 'react';
import { copyText, pasteText } from './actions/editActions.js';
import { Canvas } from './canvas/Canvas.js';
import { DialogHost } from './dialogs/DialogHost.js';
import { EditorContext, type Editor } from './EditorContext.js';
import { importFile } from './files/documentIo.js';
import { Inspector } from './inspector/Inspector.js';
import { applyRunEventTimed } from './live/applyRunEventTimed.js';
import { RunDock } from './live/RunDock.js';
import { RunStatusBar } from './live/RunStatusBar.js';
import { TapPanel } from './live/TapPanel.js';
import { DebugSidebar } from './panels/DebugSidebar.js';
import { AlertBanner } from './panels/AlertBanner.js';
import { NoticeToast } from './panels/NoticeToast.js';
import { Palette } from './panels/Palette.js';
import { ProblemsPanel } from './panels/ProblemsPanel.js';
import { Toolbar } from './panels/Toolbar.js';
import { selectDirty } from './store/selectors.js';
import { useSchemas } from './useSchemas.js';
import { useValidation } from './useValidation.js';

/** The transport's link state, shown in the toolbar. */
export interface ConnectionSource {
  get(): { state: string; reason?: string };
  subscribe(listener: (value: { state: string; reason?: string }) => void): () => void;
}

/** Typing in these must not trigger canvas shortcuts. */
function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    !!target.closest('.cm-editor')
  );
}

/** The editor window: toolbar, palette, canvas, inspector, problems, dialogs. */
export function App({ editor, connection }: { editor: Editor; connection: ConnectionSource }) {
  const { store, engine } = editor;
  useValidation(store, engine, editor.keychain !== null);
  useSchemas(editor);
  const link = useSyncExternalStore(connection.subscribe.bind(connection), () => connection.get());

  useEffect(() => {
    const { actions, actionContext } = editor;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const s = store.getState();
      if (e.key === 'Escape') {
        if (s.dialog) s.openDialog(null);
        else if (s.searchOpen) s.setSearchOpen(false);
        else s.select([]);
        return;
      }
      if (s.dialog && s.dialog.kind !== 'help') return;
      if (isTextTarget(e.target)) {
        // Save and run still work from inside a field, as in any editor.
        if (!((e.ctrlKey || e.metaKey) && ['s', 'enter'].includes(e.key.toLowerCase()))) return;
      }
      actions.handleKey(e);
    };
    // Clipboard events carry the data without a permission prompt and work between windows.
    const onCopy = (e: ClipboardEvent) => {
      if (isTextTarget(e.target) || store.getState().dialog) return;
      const text = copyText(actionContext);
      if (!text || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', text);
      e.preventDefault();
    };
    const onCut = (e: ClipboardEvent) => {
      if (isTextTarget(e.target) || store.getState().dialog) return;
      onCopy(e);
      if (e.defaultPrevented) actions.run('delete');
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTextTarget(e.target) || store.getState().dialog) return;
      e.preventDefault();
      pasteText(actionContext, e.clipboardData?.getData('text/plain') ?? '');
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (selectDirty(store.getState())) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    window.addEventListener('beforeunload', onBeforeUnload);
    const unsubscribe = editor.engine.subscribe((event) => applyRunEventTimed(store, event));
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
      window.removeEventListener('beforeunload', onBeforeUnload);
      unsubscribe();
    };
  }, [editor, store]);

  return (
    <EditorContext.Provider value={editor}>
      <ReactFlowProvider>
        <div className="app">
          <Toolbar link={link} />
          <div className="workspace">
            <Palette />
            <main className="center">
              <div className="canvas-area">
                <Canvas onInit={(flow) => (editor.hooks.flow = flow)} />
                <TapPanel />
                <DebugSidebar />
                <AlertBanner />
              </div>
              <RunStatusBar />
              <RunDock />
              <ProblemsPanel />
            </main>
            <Inspector />
          </div>
          <input
            ref={(el) => {
              editor.hooks.importInput = el;
            }}
            type="file"
            accept=".json,application/json"
            data-testid="import-input"
            hidden
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importFile(editor.actionContext, file);
            }}
          />
          <DialogHost />
          <NoticeToast />
        </div>
      </ReactFlowProvider>
    </EditorContext.Provider>
  );
}
