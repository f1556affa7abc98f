import { describe, expect, it } from 'vitest';
import { TestEditor } from '../TestEditor.js';

describe('view actions', () => {
  it('fit and zoom act on the canvas once it is mounted, and do nothing before', async () => {
    const t = new TestEditor();
    await t.run('fitView');
    expect(t.flowCalls).toEqual([]);
    t.mountCanvas();
    await t.run('fitView');
    await t.run('zoomIn');
    await t.run('zoomOut');
    expect(t.flowCalls).toEqual(['fitView', 'zoomIn', 'zoomOut']);
  });

  it('zoom in answers both + and =, zoom out -', () => {
    const t = new TestEditor().mountCanvas();
    expect(t.press('+')).toBe(true);
    expect(t.press('=')).toBe(true);
    expect(t.press('-')).toBe(true);
    expect(t.flowCalls).toEqual(['zoomIn', 'zoomIn', 'zoomOut']);
  });

  it('find opens the node search', async () => {
    const t = new TestEditor();
    await t.run('search');
    expect(t.state.searchOpen).toBe(true);
  });

  it('the problems list and the shortcut sheet toggle', async () => {
    const t = new TestEditor();
    expect(t.state.problemsOpen).toBe(true);
    await t.run('toggleProblems');
    expect(t.state.problemsOpen).toBe(false);
    await t.run('help');
    expect(t.state.dialog).toEqual({ kind: 'help' });
    expect(t.press('?')).toBe(true);
    expect(t.state.dialog).toBeNull();
  });
});
