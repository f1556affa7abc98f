import { useEffect, useState } from 'react';
import type { RunMetrics } from '../../engine/contract/metrics.js';
import type { EditorState } from '../store/editorState.js';
import { useEditorStore } from '../store/useEditorStore.js';
import type { Bottleneck } from './findBottleneck.js';
import { formatBytes, formatElapsed, formatHeldPartitions, formatMs, formatRate } from './format.js';

const selectPhase = (s: EditorState) => s.runPhase;
const selectStatus = (s: EditorState) => s.runStatus;
const selectReason = (s: EditorState) => s.runReason;

/** What the line shows of the frames, changed at most once a second of the run (see below). */
interface RunLine {
  run: RunMetrics;
  bottleneck: Bottleneck | null;
  /** When the last checkpoint was first seen (for its age). */
  checkpointSeenAt: number | null;
}

/**
 * The line follows the frames at the pace of its elapsed-time figure: once a second of the run,
 * and at once when the status, the restarts, the checkpoint or the bottleneck's node change. Each text change on
 * the page costs a layout, a hover hit test and a re-layering of the whole document (about 5 ms
 * with 200 nodes); at every frame that would be most of a frame's cost, for figures that are
 * read once a second anyway.
 */
function selectRunLine(s: EditorState): RunLine | null {
  const memo = s.memo.slot(selectRunLine, () => ({ line: null as RunLine | null }));
  const run = s.frame?.run;
  if (!run) return (memo.line = null);
  const prev = memo.line;
  if (
    prev &&
    Math.floor(prev.run.elapsedMs / 1000) === Math.floor(run.elapsedMs / 1000) &&
    prev.run.status === run.status &&
    prev.run.restarts === run.restarts &&
    // A new checkpoint shows at once: the Checkpoints panel lists it as soon as it is taken.
    prev.run.checkpoints.lastId === run.checkpoints.lastId &&
    prev.bottleneck?.nodeId === s.bottleneck?.nodeId
  )
    return prev;
  return (memo.line = { run, bottleneck: s.bottleneck, checkpointSeenAt: s.checkpointSeenAt });
}
const selectResumed = (s: EditorState) => s.resumedFrom;
const selectNote = (s: EditorState) => s.runNote;
const selectGroup = (s: EditorState) => s.groupRun?.group ?? null;
/**
 * A group member's frame covers only the partitions it runs: which, as "0,2/4" (a string, so
 * frames that hold the same partitions do not re-render the line).
 */
const selectHeld = (s: EditorState): string | null => {
  const p = s.frame?.run.partitions;
  return p ? `${p.held.join(',')}/${p.of}` : null;
};

function heldText(held: string): string {
  const [list, of] = held.split('/') as [string, string];
  return formatHeldPartitions(list === '' ? [] : list.split(',').map(Number), Number(of));
}

/**
 * "3 s ago": while frames arrive the line re-renders once a second anyway, so it is worked out
 * then; once they stop (the run is over) a timer keeps it current.
 */
function useAge(since: number | null, ticking: boolean): string | null {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (since === null || !ticking) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [since, ticking]);
  if (since === null) return null;
  return `${Math.max(0, Math.round((Date.now() - since) / 1000))} s ago`;
}

/**
 * The run's line under the canvas: status chip (with the reason when it failed or recovered),
 * elapsed time, total source rate, restarts, the last checkpoint and where the bottleneck is.
 */
export function RunStatusBar() {
  const phase = useEditorStore(selectPhase);
  const status = useEditorStore(selectStatus);
  const reason = useEditorStore(selectReason);
  const line = useEditorStore(selectRunLine);
  const run = line?.run;
  const bottleneck = line?.bottleneck ?? null;
  const seenAt = line?.checkpointSeenAt ?? null;
  const resumedFrom = useEditorStore(selectResumed);
  const note = useEditorStore(selectNote);
  const group = useEditorStore(selectGroup);
  const held = useEditorStore(selectHeld);
  const age = useAge(seenAt, phase !== 'live' || (status !== 'running' && status !== 'recovering'));
  if (phase === 'idle') return null;
  if (phase === 'refused') {
    return (
      <div className="run-bar" data-testid="run-bar">
        <span className="chip failed" data-testid="run-chip">
          refused
        </span>
        <span className="run-bar-reason">{note}</span>
      </div>
    );
  }
  const chip = status ?? 'starting';
  const cp = run?.checkpoints;
  const live = chip === 'running' || chip === 'recovering' || chip === 'starting' || chip === 'stopping';
  return (
    <div className="run-bar" data-testid="run-bar">
      <span className={`chip ${chip}`} data-testid="run-chip" data-status={chip} title={reason ?? undefined}>
        {chip}
      </span>
      {reason && (chip === 'failed' || chip === 'recovering' || (run?.restarts ?? 0) > 0) && (
        <span className="run-bar-reason" data-testid="run-reason" title={reason}>
          {reason}
        </span>
      )}
      {group !== null && (
        <span
          className="run-group"
          data-testid="run-group"
          title="A member of this group: the canvas sums only the partitions it runs now (the other members run the rest: see the Group tab); the checkpoint is the newest of theirs"
        >
          group <strong>{group}</strong>
          {held !== null && (
            <span className="run-group-held" data-testid="run-group-partitions" data-held={held.split('/')[0]}>
              {' '}
              · {heldText(held)}
            </span>
          )}
        </span>
      )}
      <span title="elapsed" data-testid="run-elapsed">
        {formatElapsed(run?.elapsedMs ?? 0)} elapsed
      </span>
      <span title="events per second leaving the sources" data-testid="run-rate">
        {formatRate(live ? (run?.sourceRate ?? 0) : 0)} from sources
      </span>
      {(run?.restarts ?? 0) > 0 && (
        <span className="restarts" data-testid="run-restarts">
          {run!.restarts} restart{run!.restarts === 1 ? '' : 's'}
        </span>
      )}
      {resumedFrom !== null && (
        <span className="resumed" data-testid="run-resumed">
          resumed from checkpoint {resumedFrom}
        </span>
      )}
      <span className="checkpoint" data-testid="run-checkpoint" title="the last completed checkpoint">
        {cp && cp.lastId !== null
          ? `checkpoint #${cp.lastId} · ${formatMs(cp.lastDurationMs)} · ${formatBytes(cp.lastBytes ?? 0)}${age ? ` · ${age}` : ''}`
          : 'no checkpoint yet'}
      </span>
      <span className="bottleneck-text" data-testid="bottleneck">
        {bottleneck ? (
          <>
            <span className="dot" /> <code>{bottleneck.name}</code> {bottleneck.text}
          </>
        ) : run && live ? (
          <span className="muted">No bottleneck: every node has headroom.</span>
        ) : null}
      </span>
    </div>
  );
}
