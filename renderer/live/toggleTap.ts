import type { ActionContext } from '../actions/ActionManager.js';

/**
 * Tap `edgeId` (or stop tapping, with null): the runtime samples the events crossing it and
 * sends them as `edgeTapped`. One edge at a time, so the panel shows one stream.
 */
export async function toggleTap(ctx: ActionContext, edgeId: string | null): Promise<void> {
  const s = ctx.store.getState();
  const previous = s.tap?.edgeId ?? null;
  const runId = s.runId;
  if (edgeId === null) s.closeTap();
  else s.openTap(edgeId);
  if (runId === null || s.runPhase !== 'live') return;
  try {
    // An edge a debugged node still needs stays tapped.
    if (previous !== null && previous !== edgeId && !(previous in s.debugEdges))
      await ctx.engine.tapEdge(runId, previous, false);
    if (edgeId !== null) await ctx.engine.tapEdge(runId, edgeId, true);
  } catch (err) {
    ctx.store.getState().notify(`Tap failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}
