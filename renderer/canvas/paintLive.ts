import type { PressureLevel } from '../live/findBottleneck.js';
import type { EdgeLabelView, NodeBadgeView } from '../live/liveViews.js';

/**
 * Drawing the live layer: every edge label and every node's counters on one canvas, in flow
 * coordinates under the viewport's transform. One pass per style (boxes, then each kind of text),
 * so the context changes font and colour a handful of times per frame, not per item. Nothing
 * here touches the DOM: the layer calls it once per animation frame that has something new.
 */

/** The subset of CanvasRenderingContext2D the painter uses. */
export type PaintContext = Pick<
  CanvasRenderingContext2D,
  | 'setTransform'
  | 'clearRect'
  | 'beginPath'
  | 'roundRect'
  | 'rect'
  | 'fill'
  | 'stroke'
  | 'fillRect'
  | 'fillText'
  | 'measureText'
  | 'font'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'textAlign'
  | 'textBaseline'
>;

export interface LabelItem {
  /** The label's centre in flow coordinates (the edge path's midpoint). */
  x: number;
  y: number;
  view: EdgeLabelView;
  tapped: boolean;
  bottleneck: boolean;
}

export interface BadgeItem {
  /** Top-left of the node's badge area in flow coordinates, and its width. */
  x: number;
  y: number;
  width: number;
  view: NodeBadgeView;
}

export interface Viewport {
  /** React Flow's transform: screen = flow * zoom + (x, y). */
  x: number;
  y: number;
  zoom: number;
  /** The canvas in CSS pixels, and device pixels per CSS pixel. */
  width: number;
  height: number;
  dpr: number;
}

export interface Palette {
  font: string;
  text: string;
  muted: string;
  line: string;
  accent: string;
  panel: string;
}

// Geometry shared with the DOM placeholders (SluiceNode) and hit boxes (LiveEdge).
const LABEL_LINE = 12;
const LABEL_PAD_X = 7;
export const BADGE_PAD_TOP = 5;
const BADGE_PAD_X = 10;
const BADGE_ROW = 13;
const BADGE_GAP = 3;
const BADGE_PAD_BOTTOM = 7;
const BAR_WIDTH = 54;
/** Height of a node's badge area with `rows` rows (counts, busy, and the watermark on windows). */
export const badgeHeight = (rows: number): number =>
  BADGE_PAD_TOP + rows * BADGE_ROW + (rows - 1) * BADGE_GAP + BADGE_PAD_BOTTOM;
/** The smallest font of a label (queue, lag) and of a node's counters, in px at scale 1. */
const SMALL_TEXT = 9.5;
const BADGE_TEXT = 10.5;
/** Zoom below which labels and badges are drawn without text (text would be under ~5 px). */
export const DETAIL_ZOOM = 0.45;
/** The DOM hit box of a label: the size of a usual two-line label. */
export const LABEL_HIT = { width: 64, height: 2 * LABEL_LINE + 4 };

const LEVEL: Record<PressureLevel, { bg: string; border: string; rate: string }> = {
  idle: { bg: 'rgba(255,255,255,0.95)', border: '', rate: '' },
  calm: { bg: 'rgba(255,255,255,0.95)', border: '', rate: '#1e7a46' },
  strained: { bg: '#fff8e6', border: '#f5b041', rate: '#b35c00' },
  blocked: { bg: '#fff0f0', border: '#f08c8c', rate: '#c92a2a' },
};
const BOTTLENECK = '#e03131';
const BUSY_FILL = { calm: '#37b26c', warm: '#f08c00', hot: '#e03131' };
const ERROR = '#d93036';
const WARNING = '#c77700';
const LAG = '#7048e8';
const WATERMARK = '#6741d9';
const BAR_BG = '#e9ecf1';
const VALUE = '#4a5265';

/** Text widths by font and string; a label's numbers repeat from frame to frame. */
export class TextWidths {
  private readonly cache = new Map<string, number>();
  constructor(private readonly limit = 4000) {}
  get(ctx: PaintContext, font: string, text: string): number {
    const key = `${font}\u0000${text}`;
    let w = this.cache.get(key);
    if (w === undefined) {
      if (this.cache.size >= this.limit) this.cache.clear();
      ctx.font = font;
      w = ctx.measureText(text).width;
      this.cache.set(key, w);
    }
    return w;
  }
}

/** Texts to draw in one font and colour: [text, x, y] triples. */
class TextBatch {
  private readonly groups = new Map<
    string,
    { font: string; color: string; align: CanvasTextAlign; items: unknown[] }
  >();
  add(font: string, color: string, text: string, x: number, y: number, align: CanvasTextAlign = 'left'): void {
    const key = `${font}|${color}|${align}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { font, color, align, items: [] }));
    g.items.push(text, x, y);
  }
  draw(ctx: PaintContext): void {
    for (const g of this.groups.values()) {
      ctx.font = g.font;
      ctx.fillStyle = g.color;
      ctx.textAlign = g.align;
      const items = g.items;
      for (let i = 0; i < items.length; i += 3)
        ctx.fillText(items[i] as string, items[i + 1] as number, items[i + 2] as number);
    }
  }
}

/** Rectangles to fill (or round rectangles to fill and stroke) in one style. */
class ShapeBatch {
  private readonly groups = new Map<string, { fill: string; stroke: string; width: number; rects: number[] }>();
  add(fill: string, stroke: string, width: number, x: number, y: number, w: number, h: number, r: number): void {
    const key = `${fill}|${stroke}|${width}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { fill, stroke, width, rects: [] }));
    g.rects.push(x, y, w, h, r);
  }
  draw(ctx: PaintContext): void {
    for (const g of this.groups.values()) {
      ctx.beginPath();
      const r = g.rects;
      for (let i = 0; i < r.length; i += 5) {
        if (r[i + 4]! > 0) ctx.roundRect(r[i]!, r[i + 1]!, r[i + 2]!, r[i + 3]!, r[i + 4]!);
        else ctx.rect(r[i]!, r[i + 1]!, r[i + 2]!, r[i + 3]!);
      }
      if (g.fill) {
        ctx.fillStyle = g.fill;
        ctx.fill();
      }
      if (g.stroke) {
        ctx.strokeStyle = g.stroke;
        ctx.lineWidth = g.width;
        ctx.stroke();
      }
    }
  }
}

/** How many labels and badges a paint drew (the rest were off screen), and whether with text. */
export interface PaintStats {
  labels: number;
  badges: number;
  detailed: boolean;
  /** The smallest text drawn, in CSS pixels on screen (Infinity when no text was drawn). */
  minText: number;
}

/**
 * How much an edge label is scaled on screen at `zoom`: never below 1, so its figures keep their
 * size however far the view zooms out (they are what the live view is for), and with the
 * graph above 1.
 */
export const labelScale = (zoom: number): number => Math.max(1, zoom);

/** Clear the canvas and draw the labels and badges that are on screen. */
export function paintLive(
  ctx: PaintContext,
  vp: Viewport,
  labels: Iterable<LabelItem>,
  badges: Iterable<BadgeItem>,
  palette: Palette,
  widths: TextWidths,
): PaintStats {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, vp.width * vp.dpr, vp.height * vp.dpr);
  ctx.setTransform(vp.dpr * vp.zoom, 0, 0, vp.dpr * vp.zoom, vp.dpr * vp.x, vp.dpr * vp.y);
  ctx.textBaseline = 'middle';
  // The visible part of the flow, with a margin for items that straddle the edge.
  const margin = 300;
  const left = -vp.x / vp.zoom - margin;
  const top = -vp.y / vp.zoom - margin;
  const right = (vp.width - vp.x) / vp.zoom + margin;
  const bottom = (vp.height - vp.y) / vp.zoom + margin;
  const visible = (x: number, y: number) => x >= left && x <= right && y >= top && y <= bottom;

  const shapes = new ShapeBatch();
  const outlines = new ShapeBatch();
  const texts = new TextBatch();
  // Labels are drawn in their own space: screen pixels over `scale` (a fixed size on screen).
  const labelShapes = new ShapeBatch();
  const labelOutlines = new ShapeBatch();
  const labelTexts = new TextBatch();
  const scale = labelScale(vp.zoom);
  const stats: PaintStats = { labels: 0, badges: 0, detailed: vp.zoom >= DETAIL_ZOOM, minText: Infinity };
  const f = palette.font;
  const rateFont = `700 10.5px ${f}`;
  const smallFont = `${SMALL_TEXT}px ${f}`;
  const lagFont = `600 ${SMALL_TEXT}px ${f}`;
  const badgeFont = `${BADGE_TEXT}px ${f}`;
  const badgeBold = `700 ${BADGE_TEXT}px ${f}`;

  // Below this zoom text is a few pixels high: draw what colour and length still say, no text.
  const detailed = stats.detailed;

  for (const l of labels) {
    if (!visible(l.x, l.y)) continue;
    stats.labels++;
    const v = l.view;
    const look = LEVEL[v.level];
    const border = l.bottleneck ? BOTTLENECK : look.border || palette.line;
    const cx = (l.x * vp.zoom + vp.x) / scale;
    const cy = (l.y * vp.zoom + vp.y) / scale;
    if (!detailed) {
      const w = LABEL_HIT.width * 0.75 * vp.zoom;
      const h = LABEL_HIT.height * 0.6 * vp.zoom;
      labelShapes.add(
        look.rate || palette.muted,
        l.bottleneck ? BOTTLENECK : '',
        2,
        cx - w / 2,
        cy - h / 2,
        w,
        h,
        h / 2,
      );
      if (l.tapped) labelOutlines.add('', palette.accent, 2, cx - w / 2 - 3, cy - h / 2 - 3, w + 6, h + 6, h / 2 + 3);
      continue;
    }
    const lines = v.lag ? 3 : 2;
    const w =
      Math.max(
        widths.get(ctx, rateFont, v.rate),
        widths.get(ctx, smallFont, v.queue),
        v.lag ? widths.get(ctx, lagFont, v.lag) : 0,
      ) +
      2 * LABEL_PAD_X;
    const h = lines * LABEL_LINE + 4;
    const x0 = cx - w / 2;
    const y0 = cy - h / 2;
    labelShapes.add(look.bg, border, l.bottleneck ? 1.5 : 1, x0, y0, w, h, 7);
    if (l.tapped) labelOutlines.add('', palette.accent, 2, x0 - 2, y0 - 2, w + 4, h + 4, 9);
    const line1 = y0 + 2 + LABEL_LINE / 2;
    labelTexts.add(rateFont, look.rate || palette.muted, v.rate, cx, line1, 'center');
    labelTexts.add(smallFont, palette.muted, v.queue, cx, line1 + LABEL_LINE, 'center');
    if (v.lag) labelTexts.add(lagFont, LAG, v.lag, cx, line1 + 2 * LABEL_LINE, 'center');
    stats.minText = Math.min(stats.minText, SMALL_TEXT * scale);
  }

  for (const b of badges) {
    if (!visible(b.x, b.y)) continue;
    stats.badges++;
    const v = b.view;
    const x0 = b.x + BADGE_PAD_X;
    const inner = b.width - 2 * BADGE_PAD_X;
    const fill = v.busy >= 80 ? BUSY_FILL.hot : v.busy >= 50 ? BUSY_FILL.warm : BUSY_FILL.calm;
    if (!detailed) {
      // The busy share as one wide bar; errors as a red block after it.
      const y = b.y + BADGE_PAD_TOP;
      const h = BADGE_ROW;
      const bar = v.hasErrors || v.status === 'failed' ? inner * 0.75 : inner;
      shapes.add(BAR_BG, '', 0, x0, y, bar, h, 0);
      if (v.busy > 0) shapes.add(fill, '', 0, x0, y, (bar * v.busy) / 100, h, 0);
      if (v.hasErrors || v.status === 'failed') shapes.add(ERROR, '', 0, x0 + inner * 0.8, y, inner * 0.2, h, 0);
      continue;
    }
    stats.minText = Math.min(stats.minText, BADGE_TEXT * vp.zoom);
    const row1 = b.y + BADGE_PAD_TOP + BADGE_ROW / 2;
    const row2 = row1 + BADGE_ROW + BADGE_GAP;
    // Counts: "in 1.2k · out 1.2k", then errors and drops, each in colour only when there are any.
    const flow = `in ${v.in} · out ${v.out}`;
    texts.add(badgeFont, VALUE, flow, x0, row1);
    let x = x0 + widths.get(ctx, badgeFont, flow) + 8;
    if (!v.hasErrors && !v.hasDropped) {
      texts.add(badgeFont, palette.muted, `err ${v.errors} · drop ${v.dropped}`, x, row1);
    } else {
      const err = `err ${v.errors}`;
      const errFont = v.hasErrors ? badgeBold : badgeFont;
      texts.add(errFont, v.hasErrors ? ERROR : palette.muted, err, x, row1);
      x += widths.get(ctx, errFont, err) + 8;
      texts.add(
        v.hasDropped ? badgeBold : badgeFont,
        v.hasDropped ? WARNING : palette.muted,
        `drop ${v.dropped}`,
        x,
        row1,
      );
    }
    // Busy share as a bar, then the figure, and state size (or FAILED) at the right.
    shapes.add(BAR_BG, '', 0, x0, row2 - 2.5, BAR_WIDTH, 5, 2.5);
    if (v.busy > 0) shapes.add(fill, '', 0, x0, row2 - 2.5, (BAR_WIDTH * v.busy) / 100, 5, 2.5);
    texts.add(badgeFont, VALUE, `${v.busy}% busy`, x0 + BAR_WIDTH + 6, row2);
    const right = x0 + inner;
    if (v.status === 'failed') {
      const tw = widths.get(ctx, badgeBold, 'FAILED');
      shapes.add(ERROR, '', 0, right - tw - 12, row2 - 7, tw + 12, 14, 4);
      texts.add(badgeBold, '#ffffff', 'FAILED', right - 6, row2, 'right');
    } else if (v.state) {
      // On event-time nodes the state is what is open (windows, held events).
      texts.add(badgeFont, palette.muted, `${v.watermark ? 'open' : 'state'} ${v.state}`, right, row2, 'right');
    }
    if (v.watermark) {
      const wm = v.late ? `wm ${v.watermark} · ${v.late}` : `wm ${v.watermark}`;
      texts.add(badgeFont, WATERMARK, wm, x0, row2 + BADGE_ROW + BADGE_GAP);
    }
  }

  shapes.draw(ctx);
  outlines.draw(ctx);
  texts.draw(ctx);
  ctx.setTransform(vp.dpr * scale, 0, 0, vp.dpr * scale, 0, 0);
  labelShapes.draw(ctx);
  labelOutlines.draw(ctx);
  labelTexts.draw(ctx);
  return stats;
}
