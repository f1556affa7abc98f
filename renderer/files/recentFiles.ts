import type { KeyValueStorage } from '../actions/ActionManager.js';

const KEY = 'sluice.recentFiles';
const LIMIT = 10;

/** Paths of recently opened or saved graphs, newest first (kept in `storage` across sessions). */
export function recentFiles(storage: KeyValueStorage): string[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberRecentFile(storage: KeyValueStorage, path: string): void {
  const list = [path, ...recentFiles(storage).filter((p) => p !== path)].slice(0, LIMIT);
  try {
    storage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or disabled: recent files are a convenience, not worth an error.
  }
}

export function forgetRecentFile(storage: KeyValueStorage, path: string): void {
  try {
    storage.setItem(KEY, JSON.stringify(recentFiles(storage).filter((p) => p !== path)));
  } catch {
    // See rememberRecentFile.
  }
}
