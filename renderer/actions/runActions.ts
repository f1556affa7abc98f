import type { RestorePreview } from '../../engine/contract/EngineApi.js';
import { hasErrors } from '../../engine/contract/problem.js';
import type { EditorState } from '../store/editorState.js';
import type { Action, ActionContext } from './ActionManager.js';
import { startDebugTaps } from './debugActions.js';

/** A run of this window is starting or going: Run waits, Stop works. */
export function runIsActive(s: EditorState): boolean {
  return (
    s.runPhase === 'starting' ||
    (s.runPhase === 'live' && s.runStatus !== 'finished' && s.runStatus !== 'stopped' && s.runStatus !== 'failed')
  );
}

/** Why Run is disabled right now, or null: shown on the button and beside it. */
export function runDisabledReason(s: EditorState): string | null {
  if (s.graph.nodes.length === 0) return 'Add nodes to run the graph.';
  if (s.validating) return 'Checking the graph…';
  if (hasErrors(s.problems)) {
    const n = s.problems.filter((p) => p.severity === 'error').length;
    return `Fix ${n} problem${n === 1 ? '' : 's'} to run.`;
  }
  if (runIsActive(s)) return 'The graph is running; stop it first.';
  return null;
}

/**
 * Start a run through the engine (trust was given). A saved graph runs with its state store, so
 * it resumes from its last checkpoint unless `fresh`; the engine decides where that store is.
 */
export async function startRun(ctx: ActionContext, options: { fresh?: boolean } = {}): Promise<void> {
  const s = ctx.store.getState();
  s.runStarting();
  try {
    const { runId } = await ctx.engine.startRun({
      graph: s.graph,
      ...(s.filePath ? { path: s.filePath } : s.templateId ? { template: s.templateId } : {}),
      ...(options.fresh ? { fresh: true } : {}),
      // Sources with a pinned sample emit it (a design run, state in memory).
      ...(s.graph.nodes.some((n) => Array.isArray(n.pinned)) ? { usePinned: true } : {}),
      trusted: s.trusted,
    });
    ctx.store.getState().runStarted(runId);
    await startDebugTaps(ctx);
  } catch (err) {
    ctx.store.getState().runRefused(err instanceof Error ? err.message : String(err));
  }
}

/** A preview worth a question: something starts empty, is dropped, or would refuse the run. */
export function previewNeedsDecision(p: RestorePreview): boolean {
  return p.empty.length > 0 || p.dropped.length > 0 || p.consequences.length > 0 || p.refusal !== null;
}

/**
 * Run as the user asked, with the questions that come first:
 * 1. Code from elsewhere runs only after the user says so (SPEC §2): the trust dialog, which
 *    comes back here.
 * 2. A saved graph that would resume from a checkpoint it no longer matches (an edited node
 *    starts empty, a source starts over while downstream state is kept): show what restores
 *    and what does not, with "Run from scratch" beside "Resume".
 * 3. Otherwise start.
 */
export async function requestRun(ctx: ActionContext, options: { fresh?: boolean } = {}): Promise<void> {
  const s = ctx.store.getState();
  const fresh = options.fresh === true;
  if (!s.trusted) {
    s.openDialog({ kind: 'trust', fresh });
    return;
  }
  if (!fresh && s.filePath) {
    let preview: RestorePreview | null = null;
    try {
      preview = await ctx.engine.previewRun({ graph: s.graph, path: s.filePath, trusted: s.trusted });
    } catch {
      // No preview (an unreadable store): the run itself will say what is wrong.
    }
    if (preview && previewNeedsDecision(preview)) {
      ctx.store.getState().openDialog({ kind: 'resume', preview });
      return;
    }
  }
  return startRun(ctx, { fresh });
}

/** What "Run as group member…" asks for. */
export interface GroupRunChoice {
  group: string;
  /** A NATS URL, one of the graph's connections by name, or empty for the graph's or the default. */
  natsUrl: string;
}

/** The last group (with the graph it ran) and NATS chosen, offered again next time (per browser profile). */
export const GROUP_CHOICE_KEY = 'sluice.groupRun';

/**
 * Start the graph as a member of a group (SPEC §15), as `sluice run --group` does. Resolves with
 * null when it started, or the engine's sentence when it was refused (the dialog shows it and
 * stays open, so the user can fix the name or the URL).
 */
export async function startGroupRun(ctx: ActionContext, choice: GroupRunChoice): Promise<string | null> {
  const s = ctx.store.getState();
  s.runStarting();
  try {
    const natsUrl = choice.natsUrl.trim();
    const started = await ctx.engine.startGroupRun({
      graph: s.graph,
      ...(s.filePath ? { path: s.filePath } : s.templateId ? { template: s.templateId } : {}),
      trusted: s.trusted,
      group: choice.group.trim(),
      ...(natsUrl ? { natsUrl } : {}),
    });
    const now = ctx.store.getState();
    now.runStarted(started.runId);
    now.groupRunStarted({ ...started, askedNats: natsUrl });
    ctx.storage.setItem(GROUP_CHOICE_KEY, JSON.stringify({ graph: s.graph.name, group: choice.group.trim(), natsUrl }));
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.store.getState().runRefused(message);
    return message;
  }
}

function runOrAskTrust(_s: EditorState, ctx: ActionContext, fresh: boolean): Promise<void> {
  return requestRun(ctx, { fresh });
}

export const runActions: Action[] = [
  {
    id: 'run',
    label: 'Run',
    group: 'Run',
    keys: ['Mod+Enter'],
    disabledReason: runDisabledReason,
    perform: (s, ctx) => runOrAskTrust(s, ctx, false),
  },
  {
    id: 'runFresh',
    label: 'Run from scratch (ignore saved state)',
    group: 'Run',
    keys: ['Mod+Shift+Enter'],
    disabledReason: runDisabledReason,
    perform: (s, ctx) => runOrAskTrust(s, ctx, true),
  },
  {
    id: 'runGroup',
    label: 'Run as group member…',
    group: 'Run',
    disabledReason: runDisabledReason,
    perform: (s) => s.openDialog(s.trusted ? { kind: 'groupRun' } : { kind: 'trust', then: 'group' }),
  },
  {
    id: 'stop',
    label: 'Stop',
    group: 'Run',
    keys: ['Mod+.'],
    disabledReason: (s) => (s.runId !== null && runIsActive(s) ? null : 'Nothing is running.'),
    perform: async (s, ctx) => {
      s.notify('Stopping: taking a final checkpoint…');
      await ctx.engine.stopRun(s.runId!);
    },
  },
  {
    id: 'crashRun',
    label: 'Crash and recover',
    group: 'Run',
    disabledReason: (s) =>
      s.groupRun !== null && runIsActive(s)
        ? 'A group member runs each partition as a run of its own; kill another member (sluice run --group) to see its partitions move.'
        : s.runId !== null && runIsActive(s)
          ? null
          : 'Start a run to crash it.',
    perform: async (s, ctx) => {
      s.notify('Killing the runtime hard; watch it recover from the last checkpoint.');
      await ctx.engine.crashRun(s.runId!);
    },
  },
];
