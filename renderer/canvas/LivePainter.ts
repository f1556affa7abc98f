import type { ReactFlowState } from '@xyflow/react';
import type { MetricsSnapshot } from '../../engine/contract/metrics.js';
import {
  edgeLabelText,
  edgeLabelView,
  isFinal,
  nodeBadgeText,
  nodeBadgeView,
  type EdgeLabelView,
  type NodeBadgeView,
} from '../live/liveViews.js';
import type { EditorStore } from '../store/createEditorStore.js';
import type { LiveScene } from './LiveScene.js';
import { labelScale, paintLive, TextWidths, type BadgeItem, type LabelItem, type Palette } from './paintLive.js';

/** The parts of React Flow's store the painter reads. */
export interface FlowStore {
  getState(): ReactFlowState;
  subscribe(listener: (state: ReactFlowState, prev: ReactFlowState) => void): () => void;
}

interface Cached<V> {
  /** The metrics object the view was made from: a new frame brings new objects. */
  source: unknown;
  final: boolean;
  view: V;
  /** What the DOM mirror last got, to write attributes only when they change. */
  mirrored: string;
  mirroredEl: HTMLElement | null;
}

/** Where a node's badge placeholder sits inside the node, read once per node size. */
interface BadgeOffset {
  size: string;
  dx: number;
  dy: number;
  width: number;
}

function setData(el: HTMLElement, name: string, value: string | undefined): void {
  if (value === undefined || value === '') el.removeAttribute(name);
  else el.setAttribute(name, value);
}

/**
 * Paints the live layer: one canvas over the flow, redrawn at most once per animation frame when
 * a metrics frame arrives, the viewport moves, or an edge or node (re)registers. No React render
 * happens per frame: views are computed here and drawn, and mirrored onto the registered DOM
 * elements' attributes only when their text changed.
 */
export class LivePainter {
  /** Null where the browser gives no 2D context (canvas disabled): the run then shows no labels. */
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly widths = new TextWidths();
  private readonly edgeViews = new Map<string, Cached<EdgeLabelView>>();
  private readonly nodeViews = new Map<string, Cached<NodeBadgeView>>();
  private readonly offsets = new Map<string, BadgeOffset>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly resizeObserver: ResizeObserver;
  private readonly palette: Palette;
  private size = { width: 0, height: 0, dpr: 1 };
  private pending = 0;
  private disposed = false;
  private bottleneckEdges: { source: unknown; ids: Set<string> } = { source: null, ids: new Set() };
  /** What the last paint drew; the canvas carries it as data attributes (tests read them). */
  private drew = '';
  private labelK = '';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly scene: LiveScene,
    private readonly editor: EditorStore,
    private readonly flow: FlowStore,
  ) {
    this.ctx = canvas.getContext('2d');
    this.palette = readPalette(canvas);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
    this.watchPixelRatio();
    scene.onChange(() => this.request());
    this.unsubscribe.push(
      () => scene.onChange(null),
      editor.subscribe((s, prev) => {
        if (
          s.frame !== prev.frame ||
          s.bottleneck !== prev.bottleneck ||
          s.tap?.edgeId !== prev.tap?.edgeId ||
          s.runStatus !== prev.runStatus
        )
          this.request();
      }),
      flow.subscribe((s, prev) => {
        if (s.transform !== prev.transform || s.nodes !== prev.nodes) this.request();
      }),
    );
  }

  dispose(): void {
    this.disposed = true;
    for (const u of this.unsubscribe) u();
    this.resizeObserver.disconnect();
    if (this.pending) cancelAnimationFrame(this.pending);
    this.pending = 0;
  }

  /** Ask for a paint in the next animation frame (several asks make one paint). */
  request(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.paint();
    });
  }

  /** Re-armed at each device pixel ratio: moving the window to another screen changes it. */
  private watchPixelRatio(): void {
    const query = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    const changed = () => {
      query.removeEventListener('change', changed);
      if (this.disposed) return;
      this.resize();
      this.watchPixelRatio();
    };
    query.addEventListener('change', changed);
    this.unsubscribe.push(() => query.removeEventListener('change', changed));
  }

  private resize(): void {
    const dpr = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === this.size.width && height === this.size.height && dpr === this.size.dpr) return;
    this.size = { width, height, dpr };
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
    this.request();
  }

  private paint(): void {
    const timed = window.__sluiceFrameTiming === true;
    const start = timed ? performance.now() : 0;
    if (!this.ctx) return;
    const s = this.editor.getState();
    const frame = s.frame;
    // A new run (or none): forget the last run's views and node offsets.
    if (!frame) this.forget();
    const final = isFinal(s.runStatus);
    const [x, y, zoom] = this.flow.getState().transform;
    // Label hit boxes live in flow coordinates; this keeps them the size of the painted label.
    const k = (labelScale(zoom) / zoom).toFixed(3);
    if (k !== this.labelK) {
      this.labelK = k;
      this.canvas.parentElement?.style.setProperty('--sl-label-k', k);
    }
    const labels = frame ? this.labelItems(frame, final, s.tap?.edgeId ?? null, s.bottleneck?.edgeIds) : [];
    const badges = frame ? this.badgeItems(frame, final) : [];
    const drawn = paintLive(this.ctx, { x, y, zoom, ...this.size }, labels, badges, this.palette, this.widths);
    const minText = Number.isFinite(drawn.minText) ? drawn.minText.toFixed(2) : '';
    const drew = `${drawn.labels}|${drawn.badges}|${drawn.detailed}|${minText}`;
    if (drew !== this.drew) {
      this.drew = drew;
      const data = this.canvas.dataset;
      data.labels = String(drawn.labels);
      data.badges = String(drawn.badges);
      data.detail = String(drawn.detailed);
      data.minText = minText;
    }
    // With `window.__sluiceFrameTiming` (the benchmark), one `sluice:paint` measure per paint.
    if (timed) performance.measure('sluice:paint', { start, end: performance.now() });
  }

  private forget(): void {
    this.edgeViews.clear();
    this.nodeViews.clear();
    this.offsets.clear();
  }

  private labelItems(
    frame: MetricsSnapshot,
    final: boolean,
    tapped: string | null,
    bottleneck: readonly string[] | undefined,
  ): LabelItem[] {
    if (this.bottleneckEdges.source !== bottleneck)
      this.bottleneckEdges = { source: bottleneck, ids: new Set(bottleneck ?? []) };
    const items: LabelItem[] = [];
    for (const [id, label] of this.scene.labels) {
      const m = frame.edges[id];
      if (!m) continue;
      const c = cached(this.edgeViews, id, m, final, () => edgeLabelView(m, final));
      mirrorLabel(c, label.el);
      items.push({
        x: label.x,
        y: label.y,
        view: c.view,
        tapped: id === tapped,
        bottleneck: this.bottleneckEdges.ids.has(id),
      });
    }
    return items;
  }

  private badgeItems(frame: MetricsSnapshot, final: boolean): BadgeItem[] {
    const items: BadgeItem[] = [];
    const lookup = this.flow.getState().nodeLookup;
    for (const [id, badge] of this.scene.badges) {
      const m = frame.nodes[id];
      const node = lookup.get(id);
      if (!m || !node) continue;
      const c = cached(this.nodeViews, id, m, final, () => nodeBadgeView(m, badge.watermarked, final));
      mirrorBadge(c, badge.el);
      const at = node.internals.positionAbsolute;
      const offset = this.badgeOffset(id, badge.el, node.measured.width, node.measured.height);
      items.push({ x: at.x + offset.dx, y: at.y + offset.dy, width: offset.width, view: c.view });
    }
    return items;
  }

  /**
   * The placeholder's place in its node (below the ports, inside the border). Read from the
   * layout once per node size, so CSS decides it and the canvas follows.
   */
  private badgeOffset(id: string, el: HTMLElement, w: number | undefined, h: number | undefined): BadgeOffset {
    const size = `${w}x${h}`;
    const known = this.offsets.get(id);
    if (known && known.size === size) return known;
    const border = el.clientTop;
    const offset = { size, dx: el.offsetLeft, dy: el.offsetTop + border, width: el.offsetWidth };
    this.offsets.set(id, offset);
    return offset;
  }
}

function cached<V>(map: Map<string, Cached<V>>, id: string, source: unknown, final: boolean, make: () => V): Cached<V> {
  let c = map.get(id);
  if (!c) {
    c = { source, final, view: make(), mirrored: '', mirroredEl: null };
    map.set(id, c);
  } else if (c.source !== source || c.final !== final) {
    c.source = source;
    c.final = final;
    c.view = make();
  }
  return c;
}

/** Whether `el` already carries `key`; if not, remember that it will. */
function stale(c: Cached<unknown>, el: HTMLElement, key: string): boolean {
  if (key === c.mirrored && c.mirroredEl === el) return false;
  c.mirrored = key;
  c.mirroredEl = el;
  return true;
}

/** The label's hit box says what the label shows: aria-label, and data attributes for tests. */
function mirrorLabel(c: Cached<EdgeLabelView>, el: HTMLElement): void {
  const v = c.view;
  const text = edgeLabelText(v);
  if (!stale(c, el, `${text}|${v.flowing}|${v.total}`)) return;
  el.setAttribute('aria-label', text);
  setData(el, 'data-pressure', v.level);
  setData(el, 'data-flowing', String(v.flowing));
  setData(el, 'data-rate', v.rate);
  setData(el, 'data-total', v.total);
}

/** The badge placeholder says what the badges show; exact counts once the run is over. */
function mirrorBadge(c: Cached<NodeBadgeView>, el: HTMLElement): void {
  const v = c.view;
  const text = nodeBadgeText(v);
  if (!stale(c, el, `${text}|${v.exact?.in}|${v.exact?.out}|${v.exact?.errors}|${v.exact?.dropped}`)) return;
  el.setAttribute('aria-label', text);
  setData(el, 'data-status', v.status);
  setData(el, 'data-in', v.exact ? String(v.exact.in) : undefined);
  setData(el, 'data-out', v.exact ? String(v.exact.out) : undefined);
  setData(el, 'data-errors', v.exact ? String(v.exact.errors) : undefined);
  setData(el, 'data-dropped', v.exact ? String(v.exact.dropped) : undefined);
}

/** The theme's colours and font, from the CSS variables the rest of the editor uses. */
function readPalette(el: HTMLElement): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    font: getComputedStyle(el).fontFamily || 'system-ui, sans-serif',
    text: v('--text', '#1c2230'),
    muted: v('--muted', '#6b7385'),
    line: v('--line-strong', '#cfd4dd'),
    accent: v('--accent', '#3b5bdb'),
    panel: v('--panel', '#ffffff'),
  };
}
