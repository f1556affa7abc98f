import type { StateCreator } from 'zustand';
import type { EventEnvelope } from '../../engine/contract/EngineApi.js';
import type { EditorState } from './editorState.js';

/** One message in the debug sidebar: an event a debugged node emitted (or received, for a sink). */
export interface DebugMessage {
  seq: number;
  /** Wall-clock ms it arrived in the editor. */
  at: number;
  runId: string;
  /** The node it is shown under: the debugged node, or the tapped edge's source node. */
  nodeId: string;
  edgeId: string;
  event: EventEnvelope;
}

export interface DebugFilter {
  /** Only messages of this node; null for every node. */
  nodeId: string | null;
  /** Case-insensitive text the message's JSON must contain; '' for every message. */
  text: string;
}

/** Messages kept in the sidebar; older ones fall off, as Node-RED's debug list does. */
export const DEBUG_KEEP = 1000;

/**
 * The debug sidebar (Node-RED's habit): nodes the user marked "debug", the messages their
 * edges' taps sent, newest last in the list (the sidebar shows them newest first), kept after
 * the run stops and across runs until cleared, at most `DEBUG_KEEP`.
 *
 * | key            | kept    | why                                                         |
 * |----------------|---------|-------------------------------------------------------------|
 * | debugNodes     | session | nodes whose messages the sidebar shows (not in the file)    |
 * | debugEdges     | session | edges tapped for them → the node they are shown under       |
 * | debugMessages  | session | newest `DEBUG_KEEP` messages                                |
 * | debugOpen      | session | whether the sidebar is shown                                |
 * | debugFilter    | session | by node and text                                            |
 */
export interface DebugSlice {
  debugNodes: Readonly<Record<string, true>>;
  debugEdges: Readonly<Record<string, string>>;
  debugMessages: readonly DebugMessage[];
  debugOpen: boolean;
  debugFilter: DebugFilter;
  /** Mark or unmark a node, with the edges that carry its messages (see debugEdgesOf). */
  setNodeDebug(nodeId: string, on: boolean, edges: Readonly<Record<string, string>>): void;
  /** A tap sent sampled events of `edgeId` in run `runId`; `fromNode` is the edge's source. */
  debugReceived(runId: string, edgeId: string, fromNode: string, events: readonly EventEnvelope[]): void;
  clearDebug(): void;
  setDebugOpen(open: boolean): void;
  setDebugFilter(filter: Partial<DebugFilter>): void;
}

export const createDebugSlice: StateCreator<EditorState, [], [], DebugSlice> = (set, get) => {
  let seq = 0;
  return {
    debugNodes: {},
    debugEdges: {},
    debugMessages: [],
    debugOpen: false,
    debugFilter: { nodeId: null, text: '' },

    setNodeDebug(nodeId, on, edges) {
      const debugNodes = { ...get().debugNodes };
      const debugEdges: Record<string, string> = {};
      for (const [edgeId, owner] of Object.entries(get().debugEdges)) if (owner !== nodeId) debugEdges[edgeId] = owner;
      if (on) {
        debugNodes[nodeId] = true;
        Object.assign(debugEdges, edges);
      } else {
        delete debugNodes[nodeId];
      }
      set({ debugNodes, debugEdges, ...(on ? { debugOpen: true } : {}) });
    },
    debugReceived(runId, edgeId, fromNode, events) {
      if (events.length === 0) return;
      const at = Date.now();
      const nodeId = get().debugEdges[edgeId] ?? fromNode;
      const added = events.map((event) => ({ seq: ++seq, at, runId, nodeId, edgeId, event }));
      const old = get().debugMessages;
      const all = old.length + added.length > DEBUG_KEEP ? [...old, ...added].slice(-DEBUG_KEEP) : [...old, ...added];
      set({ debugMessages: all });
    },
    clearDebug() {
      set({ debugMessages: [] });
    },
    setDebugOpen(debugOpen) {
      set({ debugOpen });
    },
    setDebugFilter(filter) {
      set({ debugFilter: { ...get().debugFilter, ...filter } });
    },
  };
};

/** The messages the filter lets through, newest first. */
export function filterDebugMessages(messages: readonly DebugMessage[], filter: DebugFilter): DebugMessage[] {
  const text = filter.text.trim().toLowerCase();
  const out: DebugMessage[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (filter.nodeId !== null && m.nodeId !== filter.nodeId) continue;
    if (text !== '' && !JSON.stringify(m.event).toLowerCase().includes(text)) continue;
    out.push(m);
  }
  return out;
}
