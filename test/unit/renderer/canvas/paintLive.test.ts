import { describe, expect, it } from 'vitest';
import type { NodeMetrics } from '../../../../engine/contract/metrics.js';
import { edgeLabelView, nodeBadgeView } from '../../../../renderer/live/liveViews.js';
import {
  DETAIL_ZOOM,
  labelScale,
  paintLive,
  TextWidths,
  type BadgeItem,
  type LabelItem,
  type PaintContext,
  type Palette,
  type Viewport,
} from '../../../../renderer/canvas/paintLive.js';

/**
 * A 2D context that records what is drawn (there is no canvas in Node); the end-to-end tests
 * read the real canvas's pixels. Text is 6 px per character wide.
 */
class Recorder {
  texts: Array<{ text: string; x: number; y: number; font: string; color: string }> = [];
  fills: string[] = [];
  strokes: Array<{ color: string; width: number }> = [];
  fontSets = 0;
  measured = 0;
  private f = '';
  fillStyle: string | CanvasGradient | CanvasPattern = '';
  strokeStyle: string | CanvasGradient | CanvasPattern = '';
  lineWidth = 1;
  textAlign: CanvasTextAlign = 'left';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  get font(): string {
    return this.f;
  }
  set font(v: string) {
    this.f = v;
    this.fontSets++;
  }
  setTransform(): void {}
  clearRect(): void {}
  beginPath(): void {}
  roundRect(): void {}
  rect(): void {}
  fill(): void {
    this.fills.push(String(this.fillStyle));
  }
  stroke(): void {
    this.strokes.push({ color: String(this.strokeStyle), width: this.lineWidth });
  }
  fillRect(): void {}
  fillText(text: string, x: number, y: number): void {
    this.texts.push({ text, x, y, font: this.f, color: String(this.fillStyle) });
  }
  measureText(text: string): TextMetrics {
    this.measured++;
    return { width: text.length * 6 } as TextMetrics;
  }
}

const palette: Palette = { font: 'sans', text: '#111', muted: '#777', line: '#ccc', accent: '#35d', panel: '#fff' };
const vp = (zoom: number): Viewport => ({ x: 0, y: 0, zoom, width: 1000, height: 800, dpr: 1 });
const metrics = {
  total: 10,
  rate: 400,
  bytesRate: 0,
  queued: 3,
  capacity: 64,
  backpressure: 0,
  latencyP50: 1,
  latencyP99: 1,
};
const label = (x: number, y: number, over: Partial<LabelItem> = {}, backpressure = 0): LabelItem => ({
  x,
  y,
  view: edgeLabelView({ ...metrics, backpressure }, false),
  tapped: false,
  bottleneck: false,
  ...over,
});
const nodeMetrics = {
  in: 5,
  out: 4,
  errors: 0,
  dropped: 0,
  busy: 0.9,
  watermark: null,
  stateSize: 0,
  status: 'running' as const,
};
const badge = (over: Partial<NodeMetrics> = {}): BadgeItem => ({
  x: 100,
  y: 100,
  width: 200,
  view: nodeBadgeView({ ...nodeMetrics, ...over }, false, false),
});
const paint = (zoom: number, labels: LabelItem[], badges: BadgeItem[] = []) => {
  const ctx = new Recorder();
  const stats = paintLive(ctx as unknown as PaintContext, vp(zoom), labels, badges, palette, new TextWidths());
  return { ctx, stats };
};

describe('paintLive', () => {
  it('draws a label centred on its point: the rate in bold over queued/capacity, in the pressure colours', () => {
    const { ctx, stats } = paint(1, [label(200, 100, {}, 0.8)]);
    expect(stats).toEqual({ labels: 1, badges: 0, detailed: true, minText: 9.5 });
    const rate = ctx.texts.find((t) => t.text === '400/s')!;
    const queue = ctx.texts.find((t) => t.text === '3/64')!;
    expect(rate).toMatchObject({ x: 200, color: '#c92a2a' });
    expect(rate.font).toMatch(/^700 /);
    expect(queue.x).toBe(200);
    expect(queue.y).toBeGreaterThan(rate.y);
    expect(ctx.fills).toContain('#fff0f0');
  });

  it('outlines the tapped label and rings the bottleneck edges in red', () => {
    const { ctx } = paint(1, [label(10, 10, { tapped: true }), label(300, 10, { bottleneck: true })]);
    expect(ctx.strokes).toContainEqual({ color: '#35d', width: 2 });
    expect(ctx.strokes).toContainEqual({ color: '#e03131', width: 1.5 });
  });

  it('draws edge labels at a fixed size on screen when the view zooms out, where node counters shrink', () => {
    const zoom = 0.6;
    const { ctx, stats } = paint(zoom, [label(200, 100)], [badge()]);
    // The label's centre is where its point is on screen (200 × 0.6), drawn at scale 1 there.
    const rate = ctx.texts.find((t) => t.text === '400/s')!;
    expect(rate.x).toBeCloseTo(200 * zoom);
    expect(labelScale(zoom)).toBe(1);
    expect(labelScale(2)).toBe(2);
    // The smallest text on screen is a node counter: 10.5 px × 0.6.
    expect(stats.minText).toBeCloseTo(10.5 * zoom);
    const labelOnly = paint(zoom, [label(200, 100)]);
    expect(labelOnly.stats.minText).toBe(9.5);
  });

  it('skips what is off screen', () => {
    const { stats } = paint(1, [label(200, 100), label(5000, 100), label(200, -900)]);
    expect(stats.labels).toBe(1);
  });

  it('draws no text below the detail zoom, where it would be a few pixels high', () => {
    const { ctx, stats } = paint(DETAIL_ZOOM * 0.9, [label(100, 100)], [badge({ errors: 2 })]);
    expect(stats).toEqual({ labels: 1, badges: 1, detailed: false, minText: Infinity });
    expect(ctx.texts).toEqual([]);
    // Still the busy bar (90 %: hot) and the errors block.
    expect(ctx.fills).toContain('#e03131');
    expect(ctx.fills).toContain('#d93036');
  });

  it('sets each font a handful of times however many labels there are', () => {
    const labels = Array.from({ length: 200 }, (_, i) => label((i % 20) * 45, Math.floor(i / 20) * 60));
    const { ctx, stats } = paint(1, labels);
    expect(stats.labels).toBe(200);
    expect(ctx.texts).toHaveLength(400);
    expect(ctx.fontSets).toBeLessThan(10);
  });

  it('draws a node’s counts, busy share and state; errors in bold red, a failed node says FAILED', () => {
    // Drawn grouped by font and colour, so in no particular order.
    const ok = paint(1, [], [badge({ stateSize: 1500 })]).ctx.texts.map((t) => t.text);
    expect(ok.sort()).toEqual(['90% busy', 'err 0 · drop 0', 'in 5 · out 4', 'state 1.5k']);
    const bad = paint(1, [], [badge({ errors: 3, status: 'failed' })]).ctx;
    const err = bad.texts.find((t) => t.text === 'err 3')!;
    expect(err).toMatchObject({ color: '#d93036' });
    expect(err.font).toMatch(/^700 /);
    expect(bad.texts.map((t) => t.text)).toContain('FAILED');
  });

  it('measures each distinct text once across paints', () => {
    const widths = new TextWidths();
    const ctx = new Recorder();
    for (let i = 0; i < 5; i++)
      paintLive(ctx as unknown as PaintContext, vp(1), [label(100, 100)], [badge()], palette, widths);
    const first = new Recorder();
    paintLive(first as unknown as PaintContext, vp(1), [label(100, 100)], [badge()], palette, new TextWidths());
    expect(ctx.measured).toBe(first.measured);
  });
});
