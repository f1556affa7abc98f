import { useEffect, useState } from 'react';
import type { FileEntry } from '../../engine/contract/EngineApi.js';
import { useEditor } from '../EditorContext.js';
import { fileStem, openGraphText, saveTo } from '../files/documentIo.js';
import { forgetRecentFile, recentFiles } from '../files/recentFiles.js';
import { Modal } from './Modal.js';

const isGraphFile = (name: string) => name.endsWith('.json');
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const parentOf = (path: string) => path.replace(/[\\/][^\\/]*$/, '') || path;
const joinPath = (dir: string | undefined, name: string) => {
  if (!dir) return name;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
};

/**
 * Open and Save as over the engine's file API: the folders the host allows, recent files, and
 * (for Save as) a file name.
 */
export function FileDialog({ mode }: { mode: 'open' | 'saveAs' }) {
  const { store, engine, actionContext } = useEditor();
  const [dirs, setDirs] = useState<string[]>([]);
  const dir = dirs[dirs.length - 1];
  const [entries, setEntries] = useState<FileEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(() => {
    const s = store.getState();
    return s.filePath ? baseName(s.filePath) : `${fileStem(s.graph.name)}.sluice.json`;
  });
  const [busy, setBusy] = useState(false);
  const recent = mode === 'open' ? recentFiles(actionContext.storage) : [];

  useEffect(() => {
    let live = true;
    setEntries(null);
    setError(null);
    engine.listFiles(dir).then(
      (list) => live && setEntries(list),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [engine, dir]);

  const open = async (path: string) => {
    setBusy(true);
    try {
      const file = await engine.openFile(path);
      if (openGraphText(actionContext, file.text, { kind: 'file', filePath: file.path, label: baseName(file.path) })) {
        store.getState().openDialog(null);
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      forgetRecentFile(actionContext.storage, path);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    const file = name.trim();
    if (!file) return;
    const full = joinPath(dir, file.endsWith('.json') ? file : `${file}.sluice.json`);
    setBusy(true);
    try {
      await saveTo(actionContext, full);
      store.getState().openDialog(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  // The folder a save goes to, to name it: the one opened into, or the opened folder read off its
  // entries when they all share it (an empty folder has none to read).
  const parents = new Set(entries?.map((e) => parentOf(e.path)));
  const folder = dir ?? (parents.size === 1 ? [...parents][0] : undefined);
  const visible = entries?.filter((e) => e.isDirectory || mode === 'saveAs' || isGraphFile(e.name)) ?? [];
  return (
    <Modal
      title={mode === 'open' ? 'Open graph' : 'Save graph as'}
      testId={mode === 'open' ? 'open-dialog' : 'save-dialog'}
      wide
      footer={
        mode === 'saveAs' ? (
          <form
            className="save-row"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <span className="save-folder muted" data-testid="save-folder" title={folder}>
              in {folder ?? 'the folder Sluice was opened in'}
            </span>
            <input autoFocus value={name} onChange={(e) => setName(e.target.value)} data-testid="save-name" />
            <button className="primary" type="submit" disabled={busy || !name.trim()} data-testid="save-confirm">
              Save
            </button>
          </form>
        ) : undefined
      }
    >
      {recent.length > 0 && (
        <section className="recent">
          <h3>Recent</h3>
          <ul className="file-list">
            {recent.map((p) => (
              <li key={p}>
                <button onClick={() => void open(p)} data-testid="recent-file" title={p}>
                  <span className="file-icon">◆</span>
                  {baseName(p)}
                  <span className="muted path">{p}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h3 className="crumbs">
          <button className="link" onClick={() => setDirs([])}>
            Folders
          </button>
          {dirs.map((d, i) => (
            <span key={d}>
              {' / '}
              <button className="link" onClick={() => setDirs(dirs.slice(0, i + 1))}>
                {baseName(d)}
              </button>
            </span>
          ))}
        </h3>
        {error && <p className="field-error">{error}</p>}
        {!entries && !error && <p className="muted">Loading…</p>}
        {entries && visible.length === 0 && <p className="muted">No graph files here.</p>}
        <ul className="file-list">
          {visible.map((e) => (
            <li key={e.path}>
              <button
                data-testid="file-entry"
                title={e.path}
                onClick={() => {
                  if (e.isDirectory) setDirs([...dirs, e.path]);
                  else if (mode === 'open') void open(e.path);
                  else setName(e.name);
                }}
              >
                <span className="file-icon">{e.isDirectory ? '▸' : '◆'}</span>
                {e.name}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </Modal>
  );
}
