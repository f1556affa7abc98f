import { ActionButton } from './ActionButton.js';
import { runDisabledReason, runIsActive } from '../actions/runActions.js';
import { MenuButton } from './MenuButton.js';
import type { EditorState } from '../store/editorState.js';
import { selectDirty } from '../store/selectors.js';
import { useEditorStore } from '../store/useEditorStore.js';

const selectName = (s: EditorState) => s.graph.name;
const selectPath = (s: EditorState) => s.filePath;
const selectTrusted = (s: EditorState) => s.trusted;
/** The text beside Run: why it cannot run, a refusal, or the run's status. */
const selectRunText = (s: EditorState): string | null => {
  if (s.runNote) return s.runNote;
  if (s.runPhase === 'idle') return null;
  const status = s.runStatus ?? 'starting';
  return s.runReason && (status === 'failed' || status === 'recovering') ? `${status}: ${s.runReason}` : status;
};

/** File and edit commands, the document title with its dirty marker, and Run. */
export function Toolbar({ link }: { link: { state: string; reason?: string } }) {
  const name = useEditorStore(selectName);
  const path = useEditorStore(selectPath);
  const dirty = useEditorStore(selectDirty);
  const trusted = useEditorStore(selectTrusted);
  const runReason = useEditorStore(runDisabledReason);
  const runText = useEditorStore(selectRunText);
  const active = useEditorStore(runIsActive);
  return (
    <header className="toolbar">
      <div className="brand">
        <span className="logo" aria-hidden>
          ≋
        </span>
        Sluice
      </div>
      <div className="doc" title={path ?? 'Not saved yet'}>
        <span className="doc-name" data-testid="doc-name">
          {name}
        </span>
        {dirty && (
          <span className="dirty" data-testid="dirty-marker" title="Unsaved changes">
            ●
          </span>
        )}
        <DocPath path={path} />
        {!trusted && (
          <span
            className="untrusted"
            title="This graph holds code written elsewhere; it asks for trust before it runs."
          >
            untrusted code
          </span>
        )}
      </div>
      <nav className="tools">
        <div className="group">
          <ActionButton id="new">New</ActionButton>
          <ActionButton id="open">Open</ActionButton>
          <ActionButton id="save">Save</ActionButton>
          <ActionButton id="saveAs">Save as</ActionButton>
        </div>
        <div className="group">
          <ActionButton id="import">Import</ActionButton>
          <ActionButton id="export">Export</ActionButton>
          <ActionButton id="templates">Templates</ActionButton>
        </div>
        <div className="group">
          <ActionButton id="undo">↶</ActionButton>
          <ActionButton id="redo">↷</ActionButton>
          <ActionButton id="autoLayout">Layout</ActionButton>
          <ActionButton id="search">Find</ActionButton>
          <ActionButton id="help">?</ActionButton>
        </div>
      </nav>
      <div className="run">
        <span className={`link ${link.state}`} title={link.reason ?? `Engine: ${link.state}`} data-testid="engine-link">
          {link.state === 'connected' ? 'engine' : link.state === 'connecting' ? 'connecting…' : 'offline'}
        </span>
        <span className="run-status" data-testid="run-status" title={runText ?? undefined}>
          {(active ? runText : (runReason ?? runText)) ?? (trusted ? 'Ready' : 'Asks for trust')}
        </span>
        <div className="run-split">
          <ActionButton id="run" className="run-button">
            ▶ Run
          </ActionButton>
          <MenuButton
            label="▾"
            actionIds={['run', 'runFresh', 'runGroup']}
            testId="run-menu"
            className="run-button more"
          />
        </div>
        <ActionButton id="stop" className="stop-button">
          ■ Stop
        </ActionButton>
        <MenuButton label="Debug ▾" actionIds={['crashRun', 'runFresh']} testId="debug-menu" />
      </div>
    </header>
  );
}

/**
 * Where the document is saved: its folder, cut at the end when it is long, then the file name,
 * which always shows. Two spans, not an RTL trick: right-to-left text moves a path's slashes.
 */
function DocPath({ path }: { path: string | null }) {
  if (!path) {
    return (
      <span className="doc-path" data-testid="doc-path">
        <span className="doc-file">unsaved</span>
      </span>
    );
  }
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return (
    <span className="doc-path" data-testid="doc-path" title={path}>
      {cut > 0 && <span className="doc-dir">{path.slice(0, cut + 1)}</span>}
      <span className="doc-file">{path.slice(cut + 1)}</span>
    </span>
  );
}
