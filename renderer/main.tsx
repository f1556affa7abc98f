import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { WebSocketEngineClient } from './api/WebSocketEngineClient.js';
import { App } from './App.js';
import { createEditorServices } from './createEditorServices.js';
import { editorStore } from './store/useEditorStore.js';

// One transport per host: the web host's WebSocket here; the desktop preload later provides its own.
const engine = new WebSocketEngineClient({ onNotice: (message) => editorStore.getState().notify(message, 'error') });
const services = createEditorServices(editorStore, engine);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App services={services} connection={engine.connectionState} />
  </StrictMode>,
);
