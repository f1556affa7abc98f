import { describe, expect, it } from 'vitest';
import { loadGraph } from '../../../../engine/graph/loadGraph.js';
import { openGraphText } from '../../../../renderer/files/documentIo.js';
import { recentFiles } from '../../../../renderer/files/recentFiles.js';
import { selectDirty } from '../../../../renderer/store/selectors.js';
import { TestEditor, pipeline } from '../TestEditor.js';

const edited = async (t: TestEditor) => {
  t.state.select(['out']);
  await t.run('delete');
};

describe('file actions', () => {
  it('new replaces a clean document without asking', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    await t.run('new');
    expect(t.asked).toEqual([]);
    expect(t.state.graph).toMatchObject({ name: 'Untitled', nodes: [], edges: [] });
    expect(t.state.filePath).toBeNull();
    expect(selectDirty(t.state)).toBe(false);
  });

  it('new asks before discarding unsaved changes, and keeps them when the user says no', async () => {
    const t = new TestEditor().load(pipeline('Orders'), { filePath: '/g/p.sluice.json' });
    await edited(t);
    t.answers.push(false);
    await t.run('new');
    expect(t.asked).toEqual(['"Orders" has unsaved changes. Discard them?']);
    expect(t.nodeIds).toEqual(['gen', 'double']);
    t.answers.push(true);
    await t.run('new');
    expect(t.nodeIds).toEqual([]);
  });

  it('save writes the graph file through the engine, and the document is clean again', async () => {
    const t = new TestEditor().load(pipeline('Orders'), { filePath: '/g/orders.sluice.json' });
    await edited(t);
    expect(selectDirty(t.state)).toBe(true);
    await t.run('save');
    const [[path, text]] = t.engine.callsOf('saveFile') as [[string, string]];
    expect(path).toBe('/g/orders.sluice.json');
    const saved = loadGraph(text);
    expect(saved.ok && saved.graph.nodes.map((n) => n.id)).toEqual(['gen', 'double']);
    expect(selectDirty(t.state)).toBe(false);
    expect(t.state.notice?.text).toBe('Saved orders.sluice.json in /g.');
    expect(recentFiles(t.storage)).toEqual(['/g/orders.sluice.json']);
  });

  it('a failed save says why and leaves the document dirty', async () => {
    const t = new TestEditor().load(pipeline(), { filePath: '/g/p.sluice.json' });
    await edited(t);
    t.engine.failing.set('saveFile', '/g/p.sluice.json is outside the folders you opened.');
    await t.run('save');
    expect(t.state.notice).toMatchObject({
      text: 'Save failed: /g/p.sluice.json is outside the folders you opened.',
      tone: 'error',
    });
    expect(selectDirty(t.state)).toBe(true);
  });

  it('save of a document that was never saved asks where, as save as does', async () => {
    const t = new TestEditor().load(pipeline());
    await t.run('save');
    expect(t.state.dialog).toEqual({ kind: 'saveAs' });
    expect(t.engine.callsOf('saveFile')).toEqual([]);
    t.state.openDialog(null);
    await t.run('saveAs');
    expect(t.state.dialog).toEqual({ kind: 'saveAs' });
  });

  it('code saved from this editor is trusted when the file is opened again', async () => {
    const t = new TestEditor().load(pipeline('Orders'), { filePath: '/g/orders.sluice.json' });
    await t.run('save');
    const reopened = new TestEditor();
    // The same machine: the same storage, a fresh window.
    for (const [k, v] of t.storage.items) reopened.storage.setItem(k, v);
    openGraphText(reopened.editor.actionContext, t.engine.files.get('/g/orders.sluice.json')!, {
      kind: 'file',
      filePath: '/g/orders.sluice.json',
      label: 'orders.sluice.json',
    });
    expect(reopened.state.trusted).toBe(true);
    const stranger = new TestEditor();
    openGraphText(stranger.editor.actionContext, t.engine.files.get('/g/orders.sluice.json')!, {
      kind: 'file',
      filePath: '/g/orders.sluice.json',
      label: 'orders.sluice.json',
    });
    expect(stranger.state.trusted).toBe(false);
    expect(stranger.state.notice?.text).toMatch(/holds code written elsewhere/);
  });

  it('export downloads the document as a .sluice.json file named after the graph', async () => {
    const t = new TestEditor().load(pipeline('Fraud alerts!'));
    await t.run('export');
    expect(t.downloads).toHaveLength(1);
    expect(t.downloads[0]).toMatchObject({ name: 'fraud-alerts.sluice.json', type: 'application/json' });
    const exported = loadGraph(t.downloads[0]!.text);
    expect(exported.ok && exported.graph.name).toBe('Fraud alerts!');
  });

  it('open, templates and import show their dialog or file picker', async () => {
    const t = new TestEditor();
    let picked = 0;
    t.editor.hooks.importInput = { click: () => void picked++ } as unknown as HTMLInputElement;
    await t.run('open');
    expect(t.state.dialog).toEqual({ kind: 'open' });
    await t.run('templates');
    expect(t.state.dialog).toEqual({ kind: 'templates' });
    await t.run('import');
    expect(picked).toBe(1);
  });

  it('opening a file that is not a graph shows a message and keeps the document', () => {
    const t = new TestEditor().load(pipeline('Keep me'));
    const opened = openGraphText(t.editor.actionContext, '{"format":"sluice/graph","version":99}', {
      kind: 'file',
      filePath: '/g/new.sluice.json',
      label: 'new.sluice.json',
    });
    expect(opened).toBe(false);
    expect(t.state.dialog).toMatchObject({ kind: 'message', title: 'Cannot open new.sluice.json' });
    expect(t.state.graph.name).toBe('Keep me');
  });

  it('an opened graph is fitted into view once it has been drawn', () => {
    const t = new TestEditor().mountCanvas();
    openGraphText(t.editor.actionContext, JSON.stringify(pipeline()), { kind: 'example', label: 'template' });
    expect(t.flowCalls).toEqual([]);
    t.paint();
    expect(t.flowCalls).toEqual(['fitView']);
    expect(t.state.filePath).toBeNull();
    expect(selectDirty(t.state)).toBe(false);
  });
});
