import { fitReadable } from '../canvas/fitReadable.js';
import { loadGraph } from '../../engine/graph/loadGraph.js';
import { saveGraph } from '../../engine/graph/saveGraph.js';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import type { ActionContext } from '../actions/ActionManager.js';
import { runIsActive } from '../actions/runActions.js';
import { selectDirty } from '../store/selectors.js';
import { codeFingerprint } from './codeFingerprint.js';
import { rememberRecentFile } from './recentFiles.js';
import { isTrustedCode, trustCode } from './trustStore.js';

/** Where a graph text came from: decides trust, the saved state and the wording of errors. */
export interface TextOrigin {
  kind: 'file' | 'import' | 'example';
  /** The file's path (kind `file`): Save writes back there. */
  filePath?: string;
  /** How the user knows the source, for messages ("orders.sluice.json"). */
  label: string;
  /** The template's id (kind `example`): an unsaved run finds the template's files by it. */
  exampleId?: string;
}

/**
 * Ask before a change that would lose unsaved work; true when it is fine to go on. Going on
 * leaves the document's run too: a live one is stopped (final checkpoint), since the editor
 * forgets it with the document it belongs to.
 */
export function confirmDiscard(ctx: ActionContext): boolean {
  const s = ctx.store.getState();
  if (selectDirty(s) && !ctx.confirm(`"${s.graph.name}" has unsaved changes. Discard them?`)) return false;
  if (s.runId !== null && runIsActive(s)) {
    const runId = s.runId;
    ctx.engine.stopRun(runId).catch(() => undefined);
    s.notify(`Stopped the run of "${s.graph.name}".`);
  }
  return true;
}

/**
 * Replace the document with a graph read from text.
 *
 * 1. Parse with the engine's `loadGraph` (never runs code). Bad input shows one clear message
 *    and leaves the current document untouched.
 * 2. Ask before discarding unsaved work.
 * 3. Trust: templates ship with the program; any other graph whose code this machine has not
 *    seen stays untrusted until the user confirms (SPEC §2).
 */
export function openGraphText(ctx: ActionContext, text: string, origin: TextOrigin): boolean {
  const s = ctx.store.getState();
  const result = loadGraph(text);
  if (!result.ok) {
    s.openDialog({ kind: 'message', title: `Cannot open ${origin.label}`, text: `${origin.label}: ${result.error}.` });
    return false;
  }
  if (!confirmDiscard(ctx)) return false;
  const fingerprint = codeFingerprint(result.graph, nodeRegistry);
  const trusted = origin.kind === 'example' || isTrustedCode(ctx.storage, fingerprint);
  s.replaceDocument(result.graph, {
    filePath: origin.kind === 'file' ? (origin.filePath ?? null) : null,
    trusted,
    saved: origin.kind === 'file',
    ...(origin.kind === 'example' && origin.exampleId ? { templateId: origin.exampleId } : {}),
  });
  if (origin.kind === 'file' && origin.filePath) rememberRecentFile(ctx.storage, origin.filePath);
  const migrated = result.migratedFrom !== null ? ` (upgraded from version ${result.migratedFrom})` : '';
  s.notify(
    trusted
      ? `Opened ${origin.label}${migrated}.`
      : `Opened ${origin.label}${migrated}. It holds code written elsewhere: you will be asked to trust it before it runs.`,
  );
  // Clamped so a huge graph opens readable, with only the visible part rendered.
  ctx.afterPaint(() => void fitReadable(ctx.flow()));
  return true;
}

/** Write the document as `saveGraph()` text to `path` through the engine. */
export async function saveTo(ctx: ActionContext, path: string): Promise<void> {
  const s = ctx.store.getState();
  const graph = s.graph;
  await ctx.engine.saveFile(path, saveGraph(graph));
  // Code saved from this editor was written (or already trusted) on this machine.
  if (s.trusted) trustCode(ctx.storage, codeFingerprint(graph, nodeRegistry));
  ctx.store.getState().markSaved(path);
  rememberRecentFile(ctx.storage, path);
  // Name the folder: "Saved orders.sluice.json in /home/ana/flows."
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const where = cut > 0 ? path.slice(0, cut) : 'the folder Sluice was opened in';
  ctx.store.getState().notify(`Saved ${path.slice(cut + 1)} in ${where}.`);
}

/** Read a file the user picked for Import (client side; nothing goes to the host). */
export async function importFile(ctx: ActionContext, file: File): Promise<void> {
  const text = await file.text();
  openGraphText(ctx, text, { kind: 'import', label: file.name });
}

/** Download the document as a `.sluice.json` file. */
export function exportDownload(ctx: ActionContext): void {
  const graph = ctx.store.getState().graph;
  ctx.download(`${fileStem(graph.name)}.sluice.json`, saveGraph(graph), 'application/json');
}

/** A file name from a graph name: "Fraud alerts" → "fraud-alerts". */
export function fileStem(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'graph'
  );
}
