import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { desktopBridge, IpcEngineClient } from './api/IpcEngineClient.js';
import { WebSocketEngineClient } from './api/WebSocketEngineClient.js';
import { App, type ConnectionSource } from './App.js';
import { connectDesktop } from './connectDesktop.js';
import { createEditorServices } from './createEditorServices.js';
import { editorStore } from './store/useEditorStore.js';

// One transport per host: Electron IPC through the preload's bridge, else the web host's WebSocket.
const bridge = desktopBridge();
const connected = { state: 'connected' };
let connection: ConnectionSource;
let services;
if (bridge) {
  const client = new IpcEngineClient(bridge);
  services = createEditorServices(editorStore, client);
  connectDesktop(client, editorStore, services);
  connection = { get: () => connected, subscribe: () => () => undefined };
} else {
  const client = new WebSocketEngineClient({ onNotice: (message) => editorStore.getState().notify(message, 'error') });
  services = createEditorServices(editorStore, client);
  connection = client.connectionState;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App services={services} connection={connection} />
  </StrictMode>,
);
