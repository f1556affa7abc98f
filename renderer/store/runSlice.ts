import type { StateCreator } from 'zustand';
import type { EventEnvelope, GroupRunStarted, RunEvent } from '../../engine/contract/EngineApi.js';
import type { MetricsSnapshot, RunStatus } from '../../engine/contract/metrics.js';
import { findBottleneck, type Bottleneck } from '../live/findBottleneck.js';
import { isFinal } from '../live/liveViews.js';
import type { EditorState } from './editorState.js';
import { MetricsHistory } from './MetricsHistory.js';

/** Where the run this window started is in its life, from the editor's side. */
export type RunPhase = 'idle' | 'starting' | 'live' | 'ended' | 'refused';

/** One tapped event and when it arrived here (for the panel's list keys and times). */
export interface TapEntry {
  seq: number;
  at: number;
  event: EventEnvelope;
}

export interface TapState {
  edgeId: string;
  paused: boolean;
  /** The newest sampled events, newest last; at most `TAP_KEEP`. */
  events: readonly TapEntry[];
  /** Every sampled event received since the tap opened (also while paused). */
  received: number;
}

export interface LogLine {
  seq: number;
  nodeId: string | null;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** Points of one `sink.chart` node: `[x, y]` pairs, oldest first, at most the node's `maxPoints`. */
export interface ChartData {
  points: ReadonlyArray<readonly [number, number]>;
}

/** Panels of the run dock below the canvas. */
export type RunPanel = 'deadLetters' | 'checkpoints' | 'charts' | 'log' | 'group';

/** The group this window's run joined ("Run as group member…"), and the NATS as the user named it. */
export interface GroupRunInfo extends GroupRunStarted {
  /** What the dialog was given (a URL, a connection's name, or empty): `readGroup` resolves it as the run did. */
  askedNats: string;
}

export const TAP_KEEP = 200;
export const LOG_KEEP = 300;
const DEFAULT_CHART_POINTS = 300;
/** Events that arrive before `startRun` has answered with the run id are held this long a list. */
const EARLY_KEEP = 50;
/** More flowing edges than this and the dashes stand still: animating SVG dashes repaints every path each frame. */
export const MOTION_LIMIT = 40;

/**
 * The run started from this window and its live metrics. Frames replace `frame` as one object:
 * the live layer (canvas/LivePainter) paints labels and counters from it without React, and
 * components select a small view of it (a stroke's look, a node's failed flag), so only they
 * re-render, and rarely. The minute of history lives in `history`'s fixed rings, written in place.
 *
 * | key            | kept    | why                                                          |
 * |----------------|---------|--------------------------------------------------------------|
 * | runId          | session | the run this window started, for stop/tap/lists              |
 * | runPhase       | session | idle/starting/live/ended/refused: which controls are enabled  |
 * | runStatus      | session | the engine's last status (chip on the status bar)            |
 * | runReason      | session | why it failed, recovered or stopped                          |
 * | runNote        | dropped | "Starting…", "Run refused: …" beside the Run button           |
 * | resumedFrom    | session | the checkpoint the run resumed from, if any                  |
 * | frame          | dropped | the latest metrics frame                                     |
 * | history        | dropped | one minute per series, fixed rings                           |
 * | bottleneck     | dropped | derived from the frame and the graph                         |
 * | checkpointSeenAt | dropped | wall time the last checkpoint id was first seen (its age)  |
 * | tap            | dropped | the tapped edge and its newest sampled events                |
 * | charts         | dropped | points of each `sink.chart` node                             |
 * | logs           | dropped | newest run log lines                                         |
 * | runPanel       | session | which dock panel is open                                     |
 * | groupRun       | session | the group the run joined, if it runs as a member (Group panel) |
 * | hoveredEdge    | dropped | the edge whose hover card is shown                           |
 * | motion         | dropped | animate flowing edges (few enough to afford it)              |
 */
export interface RunSlice {
  runId: string | null;
  runPhase: RunPhase;
  runStatus: RunStatus | null;
  runReason: string | null;
  runNote: string | null;
  resumedFrom: number | null;
  frame: MetricsSnapshot | null;
  history: MetricsHistory;
  bottleneck: Bottleneck | null;
  checkpointSeenAt: number | null;
  tap: TapState | null;
  charts: Readonly<Record<string, ChartData>>;
  logs: readonly LogLine[];
  runPanel: RunPanel | null;
  groupRun: GroupRunInfo | null;
  hoveredEdge: string | null;
  /** Whether flowing edges animate (off when many flow at once: see MOTION_LIMIT). */
  motion: boolean;
  /** A run was asked for: forget the last run's live state. */
  runStarting(): void;
  /** Another document was opened: forget the last run and everything it showed. */
  clearRun(): void;
  /** The engine answered with the run's id; events it sent before that are applied now. */
  runStarted(runId: string): void;
  runRefused(message: string): void;
  /** The run that started is a member of a group: the Group panel opens on it. */
  groupRunStarted(info: GroupRunInfo): void;
  /** Apply one engine event; events of other runs are ignored. */
  applyRunEvent(event: RunEvent): void;
  openTap(edgeId: string): void;
  closeTap(): void;
  setTapPaused(paused: boolean): void;
  setRunPanel(panel: RunPanel | null): void;
  setHoveredEdge(edgeId: string | null): void;
}

export const createRunSlice: StateCreator<EditorState, [], [], RunSlice> = (set, get) => {
  let early: RunEvent[] = [];
  // List keys for tapped events and log lines; per store, so two editors never share a sequence.
  let tapSeq = 0;
  let logSeq = 0;

  function applyFrame(snapshot: MetricsSnapshot): void {
    const s = get();
    s.history.record(snapshot);
    const lastId = snapshot.run.checkpoints.lastId;
    const checkpointSeenAt =
      lastId !== null && lastId !== s.frame?.run.checkpoints.lastId
        ? Date.now()
        : lastId === null
          ? null
          : s.checkpointSeenAt;
    // A finished run has no bottleneck: its last frame's busy shares are history.
    const found = isFinal(snapshot.run.status) ? null : findBottleneck(s.graph, snapshot);
    const prev = s.bottleneck;
    // Keep the old object when nothing the canvas shows changed, so subscribers skip a render.
    const bottleneck =
      found &&
      prev &&
      found.nodeId === prev.nodeId &&
      found.text === prev.text &&
      found.edgeIds.join() === prev.edgeIds.join()
        ? prev
        : found;
    let flowing = 0;
    for (const id in snapshot.edges) if (snapshot.edges[id]!.rate > 0) flowing++;
    set({
      frame: snapshot,
      runStatus: snapshot.run.status,
      bottleneck,
      checkpointSeenAt,
      motion: flowing <= MOTION_LIMIT,
    });
  }

  function chartPoints(nodeId: string, message: string): void {
    let points: unknown;
    try {
      points = (JSON.parse(message) as { chart?: unknown }).chart;
    } catch {
      return;
    }
    if (!Array.isArray(points)) return;
    const node = get().graph.nodes.find((n) => n.id === nodeId);
    const max =
      typeof node?.config?.maxPoints === 'number' && node.config.maxPoints > 0
        ? node.config.maxPoints
        : DEFAULT_CHART_POINTS;
    const fresh = points.filter(
      (p): p is [number, number] =>
        Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[1]),
    );
    const old = get().charts[nodeId]?.points ?? [];
    const merged = old.length + fresh.length > max ? [...old, ...fresh].slice(-max) : [...old, ...fresh];
    set({ charts: { ...get().charts, [nodeId]: { points: merged } } });
  }

  function apply(event: RunEvent): void {
    switch (event.type) {
      case 'runStarted':
        if (event.resumedFrom !== null && get().resumedFrom !== event.resumedFrom)
          get().notify(`Resumed from checkpoint ${event.resumedFrom}.`);
        set({ resumedFrom: event.resumedFrom });
        return;
      case 'runStatusChanged':
        set({ runStatus: event.status, ...(event.reason !== undefined ? { runReason: event.reason } : {}) });
        return;
      case 'metricsPublished':
        applyFrame(event.snapshot);
        return;
      case 'edgeTapped': {
        const from = get().graph.edges.find((e) => e.id === event.edgeId)?.from.node ?? '';
        get().debugReceived(event.runId, event.edgeId, from, event.events);
        const tap = get().tap;
        if (!tap || tap.edgeId !== event.edgeId) return;
        const received = tap.received + event.events.length;
        if (tap.paused) {
          set({ tap: { ...tap, received } });
          return;
        }
        const at = Date.now();
        const added = event.events.map((e) => ({ seq: ++tapSeq, at, event: e }));
        const events = [...tap.events, ...added].slice(-TAP_KEEP);
        set({ tap: { ...tap, events, received } });
        return;
      }
      case 'logged': {
        if (event.nodeId !== null && event.message.startsWith('{"chart"')) {
          chartPoints(event.nodeId, event.message);
          return;
        }
        const line: LogLine = { seq: ++logSeq, nodeId: event.nodeId, level: event.level, message: event.message };
        const logs = get().logs;
        set({ logs: logs.length >= LOG_KEEP ? [...logs.slice(1 - LOG_KEEP), line] : [...logs, line] });
        return;
      }
      case 'notificationRequested': {
        // The browser's notification: a notice, and a line in the run log (the desktop app also
        // shows a real one from main/).
        const line: LogLine = {
          seq: ++logSeq,
          nodeId: event.nodeId,
          level: 'info',
          message: `notify: ${event.title}: ${event.body}`,
        };
        const logs = get().logs;
        set({ logs: logs.length >= LOG_KEEP ? [...logs.slice(1 - LOG_KEEP), line] : [...logs, line] });
        get().notify(`${event.title}: ${event.body}`);
        return;
      }
      case 'alertFired':
      case 'alertCleared':
        get().alertChanged(event);
        return;
      case 'runEnded': {
        // A resumed run of a graph that had already finished ends at once with nothing to do:
        // say so, or pressing Run again looks like nothing happened.
        const s = get();
        let idle = s.resumedFrom !== null && event.status === 'finished';
        if (idle && s.frame) for (const id in s.frame.edges) if (s.frame.edges[id]!.total > 0) idle = false;
        if (idle) {
          const text = `Nothing new to process: it had finished by checkpoint ${s.resumedFrom}. Use Run from scratch to process it again.`;
          set({ runNote: text });
          s.notify(text);
        }
        // A recovery's reason ("worker 0 exited") does not outlive the run; a failure's does.
        set({
          runPhase: 'ended',
          runStatus: event.status,
          runReason: event.reason ?? (event.status === 'failed' ? get().runReason : null),
          bottleneck: null,
        });
        return;
      }
    }
  }

  /** What a run leaves behind, cleared when the next one starts or the document changes. */
  const noRun = () => ({
    runId: null,
    runReason: null,
    resumedFrom: null,
    frame: null,
    bottleneck: null,
    checkpointSeenAt: null,
    tap: null,
    charts: {},
    logs: [],
    groupRun: null,
  });

  return {
    ...noRun(),
    runPhase: 'idle',
    runStatus: null,
    runNote: null,
    history: new MetricsHistory(),
    runPanel: null,
    hoveredEdge: null,
    motion: true,

    clearRun() {
      early = [];
      get().history.clear();
      set({
        ...noRun(),
        runPhase: 'idle',
        runStatus: null,
        runNote: null,
        hoveredEdge: null,
        runPanel: get().runPanel === 'group' ? null : get().runPanel,
      });
    },
    runStarting() {
      early = [];
      get().history.clear();
      get().resetFiringAlerts();
      set({
        ...noRun(),
        runPhase: 'starting',
        runStatus: 'starting',
        runNote: 'Starting…',
        runPanel: get().runPanel === 'group' ? null : get().runPanel,
      });
    },
    runStarted(runId) {
      set({ runId, runPhase: 'live', runNote: null });
      const held = early.filter((e) => e.runId === runId);
      early = [];
      for (const e of held) apply(e);
    },
    runRefused(message) {
      early = [];
      set({ runId: null, runPhase: 'refused', runStatus: null, runNote: `Run refused: ${message}` });
    },
    groupRunStarted(groupRun) {
      set({ groupRun, runPanel: 'group' });
    },
    applyRunEvent(event) {
      const s = get();
      if (s.runPhase === 'starting' && s.runId === null) {
        early.push(event);
        if (early.length > EARLY_KEEP) early.shift();
        return;
      }
      if (event.runId !== s.runId) return;
      apply(event);
    },
    openTap(edgeId) {
      set({ tap: { edgeId, paused: false, events: [], received: 0 } });
    },
    closeTap() {
      set({ tap: null });
    },
    setTapPaused(paused) {
      const tap = get().tap;
      if (tap) set({ tap: { ...tap, paused } });
    },
    setRunPanel(runPanel) {
      set({ runPanel });
    },
    setHoveredEdge(hoveredEdge) {
      if (get().hoveredEdge !== hoveredEdge) set({ hoveredEdge });
    },
  };
};
