import { createContext, useContext } from 'react';

/** An edge label on the live layer: its centre in flow coordinates and its DOM hit box. */
export interface SceneLabel {
  x: number;
  y: number;
  el: HTMLElement;
}

/** A node's badge area: the empty placeholder the node reserves, and whether it shows a watermark. */
export interface SceneBadge {
  el: HTMLElement;
  watermarked: boolean;
}

const HOVER_GRACE_MS = 160;

/**
 * What the live layer draws, registered by the components React Flow mounts: an edge registers
 * its label's centre and hit box, a node its badge placeholder. Culled (off-screen) edges and
 * nodes are unmounted by React Flow and so drop out. Registrations change when geometry changes,
 * never per metrics frame; each change asks the layer for one repaint.
 */
export class LiveScene {
  readonly labels = new Map<string, SceneLabel>();
  readonly badges = new Map<string, SceneBadge>();
  private listener: (() => void) | null = null;
  private hoverTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly setHovered: (edgeId: string | null) => void) {}

  /** The layer listens here; a second listener replaces the first. */
  onChange(listener: (() => void) | null): void {
    this.listener = listener;
  }

  setLabel(edgeId: string, label: SceneLabel): void {
    this.put(this.labels, edgeId, label);
  }

  removeLabel(edgeId: string, el: HTMLElement): void {
    this.drop(this.labels, edgeId, el);
  }

  setBadge(nodeId: string, badge: SceneBadge): void {
    this.put(this.badges, nodeId, badge);
  }

  removeBadge(nodeId: string, el: HTMLElement): void {
    this.drop(this.badges, nodeId, el);
  }

  private put<T>(map: Map<string, T>, id: string, entry: T): void {
    map.set(id, entry);
    this.listener?.();
  }

  /** Only the element that registered removes its entry (a remount may have replaced it). */
  private drop(map: Map<string, { el: HTMLElement }>, id: string, el: HTMLElement): void {
    if (map.get(id)?.el !== el) return;
    map.delete(id);
    this.listener?.();
  }

  /**
   * Hover intent for the card over a label: the card is drawn beside the label, not inside it,
   * so leaving the label waits a moment for the pointer to reach the card.
   */
  hoverEnter(edgeId: string): void {
    clearTimeout(this.hoverTimer);
    this.setHovered(edgeId);
  }

  hoverKeep(): void {
    clearTimeout(this.hoverTimer);
  }

  hoverLeave(): void {
    clearTimeout(this.hoverTimer);
    this.hoverTimer = setTimeout(() => this.setHovered(null), HOVER_GRACE_MS);
  }
}

export const LiveSceneContext = createContext<LiveScene | null>(null);

export function useLiveScene(): LiveScene {
  const scene = useContext(LiveSceneContext);
  if (!scene) throw new Error('useLiveScene outside the canvas');
  return scene;
}
