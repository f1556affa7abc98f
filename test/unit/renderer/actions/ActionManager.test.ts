import { describe, expect, it } from 'vitest';
import { matchesKey } from '../../../../renderer/actions/ActionManager.js';
import { TestEditor, pipeline } from '../TestEditor.js';

describe('ActionManager', () => {
  it('does not run an action while it says why it is disabled', async () => {
    const t = new TestEditor();
    await t.run('undo');
    await t.run('delete');
    expect(t.editor.actions.disabledReason('undo')).toBe('Nothing to undo.');
    expect(t.editor.actions.disabledReason('delete')).toBe('Select something first.');
    expect(t.state.notice).toBeNull();
    expect(t.state.past).toEqual([]);
  });

  it('applies what an action returns as one undo step, with its selection', async () => {
    const t = new TestEditor().load(pipeline());
    t.state.select(['double']);
    await t.run('delete');
    expect(t.nodeIds).toEqual(['gen', 'out']);
    expect(t.state.graph.edges).toEqual([]);
    expect(t.state.selectedNodes).toEqual({});
    expect(t.state.past).toHaveLength(1);
    t.state.undo();
    expect(t.nodeIds).toEqual(['gen', 'double', 'out']);
    expect(t.state.graph.edges.map((e) => e.id)).toEqual(['e1', 'e2']);
  });

  it('turns a failing action into a notice that names it, never an uncaught error', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    t.engine.failing.set('saveFile', 'The disk is full.');
    await t.run('save');
    expect(t.state.notice).toMatchObject({ text: 'Save failed: The disk is full.', tone: 'error' });
  });

  it('ignores an unknown action id', async () => {
    const t = new TestEditor();
    await t.run('no-such-action');
    expect(t.editor.actions.disabledReason('no-such-action')).toBe('Unknown command.');
    expect(t.state.notice).toBeNull();
  });

  it('runs the action bound to a key press, and leaves the browser its own copy and paste keys', async () => {
    const t = new TestEditor().load(pipeline());
    t.state.select(['gen']);
    expect(t.press('Mod+D')).toBe(true);
    expect(t.nodeIds).toEqual(['gen', 'double', 'out', 'gen2']);
    expect(t.press('Mod+C')).toBe(false);
    expect(t.press('Mod+Q')).toBe(false);
    expect(t.press('Mod+Z')).toBe(true);
    expect(t.nodeIds).toEqual(['gen', 'double', 'out']);
    expect(t.press('Mod+Shift+Z')).toBe(true);
    expect(t.nodeIds).toEqual(['gen', 'double', 'out', 'gen2']);
  });

  it('lists every registered action once, each with a label and a group', () => {
    const list = new TestEditor().editor.actions.list();
    expect(new Set(list.map((a) => a.id)).size).toBe(list.length);
    for (const a of list) expect(a.label && a.group, a.id).toBeTruthy();
  });
});

describe('matchesKey', () => {
  const press = (key: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean; meta?: boolean } = {}) => ({
    key,
    ctrlKey: mods.ctrl ?? false,
    metaKey: mods.meta ?? false,
    shiftKey: mods.shift ?? false,
    altKey: mods.alt ?? false,
  });

  it('needs exactly the modifiers it names, with Mod being Ctrl or Command', () => {
    expect(matchesKey('Mod+Z', press('z', { ctrl: true }))).toBe(true);
    expect(matchesKey('Mod+Z', press('z', { meta: true }))).toBe(true);
    expect(matchesKey('Mod+Z', press('z', { ctrl: true, shift: true }))).toBe(false);
    expect(matchesKey('Mod+Shift+Z', press('Z', { ctrl: true, shift: true }))).toBe(true);
    expect(matchesKey('Alt+N', press('n', { alt: true }))).toBe(true);
    expect(matchesKey('Alt+N', press('n'))).toBe(false);
  });

  it('takes a shifted symbol as it is typed, and Backspace for Delete', () => {
    expect(matchesKey('?', press('?', { shift: true }))).toBe(true);
    expect(matchesKey('+', press('+', { shift: true }))).toBe(true);
    expect(matchesKey('Delete', press('Backspace'))).toBe(true);
  });
});
