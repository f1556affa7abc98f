import { useEffect, useState } from 'react';
import type { EditorState } from '../store/editorState.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { formatBytes, formatElapsed, formatMs, formatRate } from './format.js';

const selectPhase = (s: EditorState) => s.runPhase;
const selectStatus = (s: EditorState) => s.runStatus;
const selectReason = (s: EditorState) => s.runReason;
const selectRun = (s: EditorState) => s.frame?.run;
const selectBottleneck = (s: EditorState) => s.bottleneck;
const selectSeenAt = (s: EditorState) => s.checkpointSeenAt;
const selectResumed = (s: EditorState) => s.resumedFrom;
const selectNote = (s: EditorState) => s.runNote;

/** "3 s ago", refreshed once a second while shown. */
function useAge(since: number | null): string | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (since === null) return null;
  return `${Math.max(0, Math.round((now - since) / 1000))} s ago`;
}

/**
 * The run's line under the canvas: status chip (with the reason when it failed or recovered),
 * elapsed time, total source rate, restarts, the last checkpoint and where the bottleneck is.
 */
export function RunStatusBar() {
  const phase = useEditorStore(selectPhase);
  const status = useEditorStore(selectStatus);
  const reason = useEditorStore(selectReason);
  const run = useEditorStore(selectRun);
  const bottleneck = useEditorStore(selectBottleneck);
  const seenAt = useEditorStore(selectSeenAt);
  const resumedFrom = useEditorStore(selectResumed);
  const note = useEditorStore(selectNote);
  const age = useAge(seenAt);
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
      {resumedFrom !== null && <span className="muted">resumed from checkpoint {resumedFrom}</span>}
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
