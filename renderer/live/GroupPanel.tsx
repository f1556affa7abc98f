import { useCallback, useRef } from 'react';
import type { GroupState } from '../../engine/contract/EngineApi.js';
import { runIsActive } from '../actions/runActions.js';
import { useEditor } from '../EditorContext.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { formatMs } from './format.js';
import { usePolled } from './usePolled.js';

/** This editor's member is always the accent blue; the others take these in member order. */
const THIS_MEMBER = '#3b5bdb';
const OTHERS = ['#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#c2255c', '#f59f00', '#5c940d', '#862e9c'];

/** Colour per owner id: this member blue, the rest in order of their ids. */
export function ownerColours(view: GroupState, me: string): Map<string, string> {
  const ids = new Set<string>(view.members.map((m) => m.id));
  for (const l of view.leases) if (l.owner) ids.add(l.owner);
  const out = new Map<string, string>();
  let i = 0;
  for (const id of [...ids].sort()) out.set(id, id === me ? THIS_MEMBER : OTHERS[i++ % OTHERS.length]!);
  return out;
}

/** A member id as shown: `host-pid-abcdef`, the host cut when long. */
function shortId(id: string): string {
  return id.length > 28 ? `…${id.slice(-24)}` : id;
}

/**
 * The Group panel of a run started with "Run as group member…": the group's members (this one
 * marked) and a grid of its partitions coloured by owner, read from the group's NATS every
 * second while the panel is open. What `sluice group <name>` prints.
 */
export function GroupPanel() {
  const { engine, store } = useEditor();
  const info = useEditorStore((s) => s.groupRun);
  const live = useEditorStore(runIsActive);
  // One read at a time: a NATS that does not answer takes 3 s to say so, longer than the poll.
  const inFlight = useRef<Promise<GroupState> | null>(null);
  const load = useCallback(() => {
    inFlight.current ??= engine
      .readGroup({
        group: info!.group,
        ...(info!.askedNats ? { natsUrl: info!.askedNats } : {}),
        // The graph only resolves a connection's name: read at each poll, so edits do not restart it.
        graph: store.getState().graph,
      })
      .finally(() => (inFlight.current = null));
    return inFlight.current;
  }, [engine, store, info]);
  // The group outlives this member: the panel keeps reading it while it is open, so a stopped
  // member sees the others take its partitions over.
  const { value, error } = usePolled(info ? load : null, true, 1000);
  if (!info) {
    return (
      <div className="dock-panel" data-testid="group-panel">
        <p className="muted dock-empty">Use Run ▾ → Run as group member… to see the group’s members and partitions.</p>
      </div>
    );
  }
  const me = info.memberId;
  const colours = value ? ownerColours(value, me) : new Map<string, string>();
  const mine = value?.leases.filter((l) => l.owner === me && l.live).length ?? 0;
  const liveMembers = value?.members.filter((m) => m.live).length ?? 0;
  return (
    <div className="dock-panel group-panel" data-testid="group-panel">
      <div className="dock-tools group-head">
        <span>
          Group <strong data-testid="group-panel-name">{info.group}</strong> on <code>{info.natsUrl}</code>
        </span>
        {value && (
          <span className="muted" data-testid="group-summary">
            {value.partitions} partitions · {liveMembers} member{liveMembers === 1 ? '' : 's'} ·{' '}
            {live ? `this editor runs ${mine}` : 'this editor has left'}
          </span>
        )}
      </div>
      {error && (
        <p className="bad group-error" role="alert" data-testid="group-panel-error">
          {error}
          {value ? ' (showing the last state read)' : ''}
        </p>
      )}
      {!value && !error && <p className="muted dock-empty">Reading the group…</p>}
      {value && (
        <div className={`group-body${error ? ' stale' : ''}`}>
          <ul className="group-members" data-testid="group-members">
            {value.members.map((m) => {
              const held = value.leases.filter((l) => l.owner === m.id && l.live).length;
              return (
                <li
                  key={m.id}
                  data-testid="group-member"
                  data-member={m.id}
                  data-me={m.id === me ? 'true' : undefined}
                  className={`${m.id === me ? 'me' : ''}${m.live ? '' : ' gone'}`}
                  title={`${m.id}\nhost ${m.host}, pid ${m.pid}\njoined ${new Date(m.startedAt).toLocaleTimeString([], { hour12: false })}\nheartbeat ${formatMs(m.heartbeatAgeMs)} ago`}
                >
                  <span className="swatch" style={{ background: colours.get(m.id) }} aria-hidden />
                  <code className="member-id">{shortId(m.id)}</code>
                  {m.id === me && <span className="member-tag">this editor</span>}
                  <span className="member-facts muted">
                    {held} partition{held === 1 ? '' : 's'} ·{' '}
                    {m.live ? `heartbeat ${formatMs(m.heartbeatAgeMs)} ago` : 'not heard from'}
                    {m.leaving ? ' · leaving' : ''}
                  </span>
                </li>
              );
            })}
            {value.members.length === 0 && <li className="muted">No member is in the group now.</li>}
          </ul>
          <div className="partition-side">
            <div className="partition-grid" data-testid="partition-grid" role="list" aria-label="Partitions by owner">
              {value.leases.map((l) => {
                const owned = l.owner !== null && l.live;
                const owner = l.owner === null ? 'nobody' : l.owner === me ? `${l.owner} (this editor)` : l.owner;
                const tip = [
                  `partition ${l.partition}`,
                  `owner: ${owner}${l.owner !== null && !l.live ? ' (lease expired)' : ''}`,
                  `epoch ${l.epoch}`,
                  `lag ${l.lag ?? 'n/a'}`,
                  `checkpoint ${l.checkpointId ?? 'none yet'}`,
                ].join('\n');
                return (
                  <span
                    key={l.partition}
                    role="listitem"
                    className={`partition-cell${owned ? '' : ' unowned'}${l.owner === me ? ' mine' : ''}`}
                    data-testid="partition-cell"
                    data-partition={l.partition}
                    data-owner={owned ? l.owner! : ''}
                    style={owned ? { background: colours.get(l.owner!) } : undefined}
                    title={tip}
                  >
                    {l.partition}
                  </span>
                );
              })}
            </div>
            <div className="partition-legend muted">
              Partitions, coloured by the member that runs them; dashed: no live owner (moving). Hover one for its
              owner, epoch, lag and checkpoint.
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
