import type { RunEvent } from '../../engine/contract/EngineApi.js';
import type { EditorStore } from '../store/createEditorStore.js';

/** Set `window.__sluiceFrameTiming = true` (the benchmark does) to get one `sluice:frame` measure per frame. */
declare global {
  interface Window {
    __sluiceFrameTiming?: boolean;
  }
}

/**
 * Apply an engine event to the store. When frame timing is on, a metrics frame is measured from
 * before the store update to after React's commit of it: React flushes updates of external stores
 * in a microtask queued during `set`, so a microtask queued after `set` runs once that commit is
 * done. Off by default: user-timing entries accumulate, and a run can last hours.
 */
export function applyRunEventTimed(store: EditorStore, event: RunEvent): void {
  const timed =
    event.type === 'metricsPublished' && typeof window !== 'undefined' && window.__sluiceFrameTiming === true;
  if (!timed) {
    store.getState().applyRunEvent(event);
    return;
  }
  const start = performance.now();
  store.getState().applyRunEvent(event);
  queueMicrotask(() => {
    performance.measure('sluice:frame', { start, end: performance.now() });
  });
}
