import type { WebSocket } from 'ws';
import type { EngineApi, RunEvent } from '../contract/index.js';
import { ENGINE_API, ENGINE_API_VERSION } from '../contract/EngineApi.js';
import { fromService } from '../contract/rpc/fromService.js';
import { servePort } from '../contract/rpc/servePort.js';
import { CLOSE_VERSION_MISMATCH } from '../contract/rpc/wireProtocol.js';

/**
 * Serve `EngineApi` on one WebSocket: the generic port server (engine/contract/rpc/servePort.ts)
 * with JSON text as its encoding. A binary or non-JSON message is answered with an error and
 * the socket stays open; a client of another protocol version is closed with a reason.
 */
export function serveApiSocket(socket: WebSocket, api: EngineApi, log: (line: string) => void): void {
  const server = servePort<RunEvent>(
    { send: (message) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message)) },
    {
      channel: fromService(ENGINE_API, api),
      version: ENGINE_API_VERSION,
      events: (listener) => api.subscribe(listener),
      onVersionMismatch: () => socket.close(CLOSE_VERSION_MISMATCH, 'protocol version mismatch; reload the page'),
      log,
    },
  );
  socket.on('message', (data, isBinary) => {
    if (isBinary) return server.refuse('Binary messages are not understood; send JSON text.');
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let message: unknown;
    try {
      message = JSON.parse(raw.toString('utf8'));
    } catch {
      return server.refuse('The message is not valid JSON.');
    }
    server.receive(message);
  });
  socket.on('close', () => server.close());
  // The close event follows; nothing to tell a peer that is gone.
  socket.on('error', () => undefined);
}
