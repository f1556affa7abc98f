import { useMemo, useState } from 'react';
import { connectionsOf } from '../../engine/graph/resolveConnections.js';
import { GROUP_NAME, groupNatsUrl } from '../../engine/graph/groupNatsUrl.js';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import { GROUP_CHOICE_KEY, startGroupRun, type GroupRunChoice } from '../actions/runActions.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { Modal } from './Modal.js';

/** Sinks a group refuses (their commits live in one machine's store): engine/scaleout/partitionGraph.ts. */
const LOCAL_COMMIT_SINKS = new Set(['sink.file', 'sink.sqlite']);
/** Offered when the graph has no `settings.partitions` yet. */
const SUGGESTED_PARTITIONS = 12;

/** The last choice, if it was stored and still reads as one. */
function lastChoice(storage: { getItem(key: string): string | null }): Partial<GroupRunChoice & { graph: string }> {
  try {
    const v = JSON.parse(storage.getItem(GROUP_CHOICE_KEY) ?? 'null') as Partial<
      GroupRunChoice & { graph: string }
    > | null;
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** A group name from a graph name: what JetStream allows, at most 64 characters. */
function suggestedGroup(graphName: string): string {
  const s = graphName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return s || 'sluice';
}

/**
 * "Run as group member…" (SPEC §15): the graph joins group <name> on a NATS and runs the
 * partitions it is given, as `sluice run <graph> --group <name>` does on any other machine. Shows
 * the partitions setting (and sets it when missing), says what a group cannot run before it is
 * asked to, and keeps the engine's refusal (NATS unreachable, a bad name) in view.
 */
export function GroupRunDialog() {
  const { store, actionContext } = useEditor();
  const graph = useEditorStore((s) => s.graph);
  const last = useMemo(() => lastChoice(actionContext.storage), [actionContext]);
  const graphNats = useMemo(() => groupNatsUrl(graph), [graph]);
  // The last group is offered again for the graph that ran in it only: another graph would not fit it.
  const [group, setGroup] = useState(
    (last.graph === graph.name ? last.group : undefined) ?? suggestedGroup(graph.name),
  );
  const [nats, setNats] = useState(graphNats ?? last.natsUrl ?? '');
  const [wanted, setWanted] = useState(String(SUGGESTED_PARTITIONS));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const partitions = graph.settings?.partitions;
  const natsConnections = Object.entries(connectionsOf(graph)).filter(([, c]) =>
    /^(nats|tls|wss?):\/\//i.test(String(c.url)),
  );
  const stateful = graph.nodes.filter((n) => nodeRegistry.get(n.type)?.category === 'stateful' && n.disabled !== true);
  const local = graph.nodes.filter((n) => LOCAL_COMMIT_SINKS.has(n.type) && n.disabled !== true);
  const nameOk = GROUP_NAME.test(group.trim());
  const blocked = partitions === undefined ? 'Set the partitions first.' : !nameOk ? 'Name the group.' : null;

  const setPartitions = () => {
    const n = Number(wanted);
    if (!Number.isInteger(n) || n < 1 || n > 4096) return setError('Partitions must be a whole number from 1 to 4096.');
    setError(null);
    const s = store.getState();
    s.commitDocument({ ...s.graph, settings: { ...s.graph.settings, partitions: n } });
  };

  const start = async () => {
    setBusy(true);
    setError(null);
    const refused = await startGroupRun(actionContext, { group, natsUrl: nats });
    setBusy(false);
    if (refused === null) store.getState().openDialog(null);
    else setError(refused);
  };

  return (
    <Modal
      title="Run as group member"
      testId="group-run-dialog"
      footer={
        <>
          <button onClick={() => store.getState().openDialog(null)}>Cancel</button>
          <button
            className="primary"
            data-testid="group-start"
            disabled={blocked !== null || busy}
            title={blocked ?? undefined}
            onClick={() => void start()}
          >
            {busy ? 'Joining…' : 'Join and run'}
          </button>
        </>
      }
    >
      <p className="field-doc group-intro">
        This editor becomes one member of the group and runs the partitions it is given. Start more members anywhere
        with{' '}
        <code>
          sluice run {'<graph>'} --group {nameOk ? group.trim() : '<name>'}
        </code>{' '}
        on the same NATS; the partitions are shared out between them and move when one leaves.
      </p>
      <div className={`field${nameOk ? '' : ' invalid'}`}>
        <label className="field-label" htmlFor="group-name">
          Group name
        </label>
        <input
          id="group-name"
          type="text"
          data-testid="group-name"
          value={group}
          spellCheck={false}
          onChange={(e) => setGroup(e.target.value)}
        />
        {!nameOk && (
          <div className="field-error">Use 1 to 64 letters, digits, “-” or “_” (it names JetStream buckets).</div>
        )}
      </div>
      <div className="field">
        <label className="field-label" htmlFor="group-nats">
          NATS
        </label>
        <input
          id="group-nats"
          type="text"
          data-testid="group-nats"
          list="group-nats-connections"
          value={nats}
          spellCheck={false}
          placeholder="nats://127.0.0.1:4222 (or $NATS_URL)"
          onChange={(e) => setNats(e.target.value)}
        />
        <datalist id="group-nats-connections">
          {natsConnections.map(([name, c]) => (
            <option key={name} value={name}>
              {String(c.url)}
            </option>
          ))}
        </datalist>
        <div className="field-doc">
          A URL, one of the graph’s connections by name, or <code>{'${env:NAME}'}</code>. Empty: $NATS_URL, else the
          local server.
        </div>
      </div>
      <div className="field" data-testid="group-partitions">
        <div className="field-label">Partitions</div>
        {partitions !== undefined ? (
          <div className="field-doc">
            <strong className="group-partitions-count">{partitions}</strong> (settings.partitions): the keyed part is
            split by key into {partitions} partition{partitions === 1 ? '' : 's'}, each run by one member at a time.
          </div>
        ) : (
          <>
            <div className="field-error" data-testid="group-no-partitions">
              This graph has no settings.partitions, so a group cannot split it. Set how many partitions its keyed part
              is split into: at least as many as the members you will ever run (it cannot change while the group lives).
            </div>
            <div className="group-set-partitions">
              <input
                type="number"
                min={1}
                max={4096}
                value={wanted}
                aria-label="Partitions"
                data-testid="group-partitions-input"
                onChange={(e) => setWanted(e.target.value)}
              />
              <button data-testid="group-set-partitions" onClick={setPartitions}>
                Set partitions
              </button>
            </div>
          </>
        )}
      </div>
      {stateful.length === 0 && (
        <p className="field-warning" data-testid="group-no-keyed">
          The graph has no keyed part (no stateful node such as aggregate, window or join): each member only filters its
          share of the keys, which splits the work but keeps no state to move.
        </p>
      )}
      {local.length > 0 && (
        <p className="field-error" data-testid="group-local-sinks">
          {local.map((n) => n.id).join(', ')}:{' '}
          {local.length === 1 ? 'this sink records its' : 'these sinks record their'} commits in one machine’s state
          store, so a group refuses {local.length === 1 ? 'it' : 'them'}; use a sink every member reaches
          (sink.postgres, sink.nats).
        </p>
      )}
      {error && (
        <p className="bad group-error" role="alert" data-testid="group-error">
          {error}
        </p>
      )}
    </Modal>
  );
}
