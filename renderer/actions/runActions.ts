import { hasErrors } from '../../engine/contract/problem.js';
import type { EditorState } from '../store/editorState.js';
import type { Action, ActionContext } from './ActionManager.js';

/** Why Run is disabled right now, or null: shown on the button and beside it. */
export function runDisabledReason(s: EditorState): string | null {
  if (s.graph.nodes.length === 0) return 'Add nodes to run the graph.';
  if (s.validating) return 'Checking the graph…';
  if (hasErrors(s.problems)) {
    const n = s.problems.filter((p) => p.severity === 'error').length;
    return `Fix ${n} problem${n === 1 ? '' : 's'} to run.`;
  }
  return null;
}

/** Start a run through the engine (trust was given); live metrics come in a later issue. */
export async function startRun(ctx: ActionContext): Promise<void> {
  const s = ctx.store.getState();
  s.setRun(null, 'Starting…');
  try {
    const { runId } = await ctx.engine.startRun({
      graph: s.graph,
      ...(s.filePath ? { path: s.filePath } : {}),
      trusted: s.trusted,
    });
    ctx.store.getState().setRun(runId, 'Running');
  } catch (err) {
    ctx.store.getState().setRun(null, `Run refused: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export const runActions: Action[] = [
  {
    id: 'run',
    label: 'Run',
    group: 'Run',
    keys: ['Mod+Enter'],
    disabledReason: runDisabledReason,
    perform: async (s, ctx) => {
      // Code from elsewhere runs only after the user says so (SPEC §2).
      if (!s.trusted) {
        s.openDialog({ kind: 'trust' });
        return;
      }
      await startRun(ctx);
    },
  },
];
