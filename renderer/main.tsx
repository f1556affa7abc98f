import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { desktopBridge, IpcEngineClient } from './api/IpcEngineClient.js';
import { WebSocketEngineClient } from './api/WebSocketEngineClient.js';
import { App, type ConnectionSource } from './App.js';
import { connectDesktop } from './connectDesktop.js';
import { createEditor } from './createEditor.js';
import type { Editor } from './EditorContext.js';
import { createEditorStore } from './store/createEditorStore.js';

// The page's one store; everything below reaches it through the editor's context.
const store = createEditorStore();
// One transport per host: Electron IPC through the preload's bridge, else the web host's WebSocket.
const bridge = desktopBridge();
const connected = { state: 'connected' };
let connection: ConnectionSource;
let editor: Editor;
if (bridge) {
  const client = new IpcEngineClient(bridge);
  editor = createEditor({ engine: client, keychain: client, store });
  connectDesktop(client, editor);
  connection = { get: () => connected, subscribe: () => () => undefined };
} else {
  const client = new WebSocketEngineClient({ onNotice: (message) => store.getState().notify(message, 'error') });
  editor = createEditor({ engine: client, store });
  connection = client.connectionState;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App editor={editor} connection={connection} />
  </StrictMode>,
);
