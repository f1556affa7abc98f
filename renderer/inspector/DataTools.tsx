import { useEffect, useMemo, useState } from 'react';
import type { InjectedEvent, PreviewResult } from '../../engine/contract/EngineApi.js';
import type { GraphFile, GraphNode, PinnedEvent } from '../../engine/contract/graphFile.js';
import { isRecord } from '../../engine/graph/isRecord.js';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import { useEditor } from '../EditorContext.js';
import { portsOf } from '../graph/portsOf.js';
import type { EditorState } from '../store/editorState.js';
import { useEditorStore } from '../store/useEditorStore.js';
import '../panels/debugTools.css';

/** Debug messages pinned at once: a sample, not a recording. */
export const PIN_FROM_DEBUG = 20;
/** Typing settles this long before the engine is asked for a preview. */
const PREVIEW_DEBOUNCE_MS = 200;

/** Parse the JSON a person wrote, or say in one sentence what is wrong with it. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'Write the event’s value as JSON, e.g. {"amount": 12}.' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: `Not JSON: ${err instanceof Error ? err.message : String(err)}.` };
  }
}

function setPinned(graph: GraphFile, nodeId: string, pinned: PinnedEvent[] | null): GraphFile {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      if (pinned) return { ...n, pinned };
      const { pinned: _gone, ...rest } = n;
      return rest as GraphNode;
    }),
  };
}

/**
 * The event an expression of `nodeId` is previewed on: the newest debug message that reached
 * it (an edge into it, tapped), else the first pinned event of a source feeding it directly.
 */
export function sampleFor(s: EditorState, nodeId: string): { event: InjectedEvent; from: string } | null {
  const into = new Set(s.graph.edges.filter((e) => e.to.node === nodeId).map((e) => e.id));
  for (let i = s.debugMessages.length - 1; i >= 0; i--) {
    const m = s.debugMessages[i]!;
    if (into.has(m.edgeId))
      return {
        event: { key: m.event.key, time: m.event.time, value: m.event.value },
        from: `a message on ${m.edgeId}`,
      };
  }
  const tap = s.tap && into.has(s.tap.edgeId) ? s.tap.events.at(-1) : undefined;
  if (tap)
    return {
      event: { key: tap.event.key, time: tap.event.time, value: tap.event.value },
      from: `the tap on ${s.tap!.edgeId}`,
    };
  for (const e of s.graph.edges) {
    if (e.to.node !== nodeId) continue;
    const up = s.graph.nodes.find((n) => n.id === e.from.node);
    const first = Array.isArray(up?.pinned) ? up.pinned[0] : undefined;
    if (isRecord(first) && 'value' in first) {
      return { event: { key: first.key ?? null, value: first.value }, from: `the sample pinned to ${up!.id}` };
    }
  }
  return null;
}

/** Send a hand-written event into an input port of the node, in the live run. */
export function InjectForm({ node }: { node: GraphNode }) {
  const { store, engine } = useEditor();
  const live = useEditorStore((s) => s.runId !== null && s.runPhase === 'live' && s.runStatus === 'running');
  const inputs = portsOf(node, nodeRegistry.get(node.type)).inputs;
  const [port, setPort] = useState(inputs[0] ?? 'in');
  const [key, setKey] = useState('');
  const [text, setText] = useState('{\n  \n}');
  const [error, setError] = useState<string | null>(null);
  if (inputs.length === 0) return null;
  const send = async () => {
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    const s = store.getState();
    try {
      await engine.injectEvent(s.runId!, node.id, port, { key: key === '' ? null : key, value: parsed.value });
      store.getState().notify(`Injected one event into ${node.id}.${port}.`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="field data-tool" data-testid="inject-form">
      <div className="section-title">Inject</div>
      <div className="data-row">
        {inputs.length > 1 && (
          <select value={port} data-testid="inject-port" onChange={(e) => setPort(e.target.value)}>
            {inputs.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        )}
        <input
          type="text"
          placeholder="key (none)"
          value={key}
          data-testid="inject-key"
          onChange={(e) => setKey(e.target.value)}
        />
      </div>
      <textarea
        rows={4}
        spellCheck={false}
        value={text}
        data-testid="inject-value"
        aria-label="The event's value as JSON"
        onChange={(e) => setText(e.target.value)}
      />
      {error && (
        <div className="data-error" data-testid="inject-error">
          {error}
        </div>
      )}
      <button
        className="debug-small"
        data-testid="inject-send"
        disabled={!live}
        title={live ? `Send it into ${node.id}.${port}` : 'Start a run to inject events.'}
        onClick={() => void send()}
      >
        Inject into {port}
      </button>
      <div className="field-doc">
        A hand-written event, as if it arrived on the input now. At-most-once: the next checkpoint covers it.
      </div>
    </div>
  );
}

/** A source's pinned sample: what the editor's runs emit instead of its own events. */
export function PinnedSample({ node }: { node: GraphNode }) {
  const { store } = useEditor();
  const fromDebug = useEditorStore((s) => {
    let n = 0;
    for (const m of s.debugMessages)
      if (m.nodeId === node.id || s.graph.edges.some((e) => e.id === m.edgeId && e.from.node === node.id)) n++;
    return n;
  });
  const pinned = Array.isArray(node.pinned) ? node.pinned : null;
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const commit = (next: PinnedEvent[] | null) => {
    const s = store.getState();
    s.commitDocument(setPinned(s.graph, node.id, next));
  };
  const pinFromDebug = () => {
    const s = store.getState();
    const mine = s.debugMessages.filter(
      (m) => m.nodeId === node.id || s.graph.edges.some((e) => e.id === m.edgeId && e.from.node === node.id),
    );
    commit(mine.slice(-PIN_FROM_DEBUG).map((m) => ({ key: m.event.key, time: m.event.time, value: m.event.value })));
  };
  return (
    <div className="field data-tool" data-testid="pinned-sample">
      <div className="section-title">Pinned sample</div>
      {pinned ? (
        <div className="field-doc" data-testid="pinned-count">
          {pinned.length} event{pinned.length === 1 ? '' : 's'} pinned: the editor’s runs emit them instead of this
          source’s own, with state in memory (the saved state is left as it was). The CLI ignores them.
        </div>
      ) : (
        <div className="field-doc">
          Pin a sample so design runs use it instead of this source: from the debug messages of this node, or written as
          JSON.
        </div>
      )}
      <div className="data-row">
        <button
          className="debug-small"
          data-testid="pin-from-debug"
          disabled={fromDebug === 0}
          title={fromDebug === 0 ? 'Debug this node during a run to collect messages to pin.' : undefined}
          onClick={pinFromDebug}
        >
          Pin {Math.min(fromDebug, PIN_FROM_DEBUG) || ''} debug messages
        </button>
        <button
          className="debug-small"
          data-testid="pin-edit"
          onClick={() => setDraft(JSON.stringify(pinned ?? [{ key: null, value: {} }], null, 2))}
        >
          {pinned ? 'Edit' : 'Write one'}
        </button>
        {pinned && (
          <button className="debug-small" data-testid="pin-remove" onClick={() => commit(null)}>
            Unpin
          </button>
        )}
      </div>
      {draft !== null && (
        <>
          <textarea
            rows={8}
            spellCheck={false}
            value={draft}
            data-testid="pin-text"
            aria-label="The pinned events as a JSON list"
            onChange={(e) => setDraft(e.target.value)}
          />
          {error && <div className="data-error">{error}</div>}
          <div className="data-row">
            <button
              className="debug-small"
              data-testid="pin-save"
              onClick={() => {
                const parsed = parseJsonText(draft);
                if (!parsed.ok) return setError(parsed.error);
                const list = parsed.value;
                if (!Array.isArray(list) || !list.every((e) => isRecord(e) && 'value' in e)) {
                  return setError('A pinned sample is a list of events such as [{"key": "k1", "value": {…}}].');
                }
                setError(null);
                setDraft(null);
                commit(list as PinnedEvent[]);
              }}
            >
              Pin
            </button>
            <button className="debug-small" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </>
      )}
      {pinned && draft === null && (
        <pre className="data-pre" data-testid="pinned-json">
          {JSON.stringify(pinned.slice(0, 3), null, 2)}
          {pinned.length > 3 ? `\n… ${pinned.length - 3} more` : ''}
        </pre>
      )}
    </div>
  );
}

/** Each expression field of the node, evaluated on a sample by the engine as the user types. */
export function ExpressionPreview({ node }: { node: GraphNode }) {
  const { engine, store } = useEditor();
  const descriptor = nodeRegistry.get(node.type);
  const trusted = useEditorStore((s) => s.trusted);
  const hasSample = useEditorStore((s) => sampleFor(s, node.id) !== null);
  const fields = useMemo(
    () =>
      descriptor
        ? Object.entries(descriptor.config).filter(
            ([f, schema]) =>
              schema.kind === 'expression' &&
              schema.vars.includes('value') &&
              typeof node.config?.[f] === 'string' &&
              (node.config[f] as string).trim() !== '',
          )
        : [],
    [descriptor, node.config],
  );
  // The sample the results were computed on, with them: messages arrive faster than a person
  // types, so a new sample alone does not ask again (the sample shown is the one used).
  const [shown, setShown] = useState<{ from: string; value: unknown; results: Record<string, PreviewResult> } | null>(
    null,
  );
  const key = JSON.stringify([fields.map(([f]) => node.config?.[f]), trusted, hasSample]);
  useEffect(() => {
    if (!trusted || !hasSample || fields.length === 0) return;
    let current = true;
    const timer = setTimeout(() => {
      const sample = sampleFor(store.getState(), node.id);
      if (!sample) return;
      void Promise.all(
        fields.map(async ([f]) => {
          try {
            const r = await engine.previewExpression({
              expression: String(node.config[f]),
              sample: sample.event,
              trusted: true,
            });
            return [f, r] as const;
          } catch (err) {
            return [
              f,
              { ok: false, error: err instanceof Error ? err.message : String(err) } as PreviewResult,
            ] as const;
          }
        }),
      ).then((pairs) => {
        if (current) setShown({ from: sample.from, value: sample.event.value, results: Object.fromEntries(pairs) });
      });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `key` holds everything the preview depends on.
  }, [key]);
  if (!descriptor || fields.length === 0) return null;
  return (
    <div className="field data-tool" data-testid="expression-preview">
      <div className="section-title">Preview on a sample</div>
      {!trusted ? (
        <div className="field-doc">
          Trust this graph’s code to preview: the preview runs the expression (in the engine).
        </div>
      ) : !hasSample ? (
        <div className="field-doc" data-testid="preview-no-sample">
          No sample yet: pin one to the source feeding this node, or debug the node before it during a run.
        </div>
      ) : (
        <>
          {shown && (
            <div className="field-doc">
              On {shown.from}: <code className="data-inline">{shorten(JSON.stringify(shown.value))}</code>
            </div>
          )}
          {fields.map(([f, schema]) => {
            const r = shown?.results[f];
            return (
              <div key={f} className="data-preview" data-testid={`preview-${f}`}>
                <span className="muted">{schema.label} →</span>
                {r === undefined ? (
                  <span className="muted">…</span>
                ) : r.ok ? (
                  <pre className="data-pre" data-testid={`preview-${f}-value`}>
                    {r.value === undefined ? 'undefined' : JSON.stringify(r.value, null, 2)}
                  </pre>
                ) : (
                  <div className="data-error" data-testid={`preview-${f}-error`}>
                    {r.error}
                  </div>
                )}
              </div>
            );
          })}
        </>
      )}
    </div>
  );
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
