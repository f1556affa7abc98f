const KEY = 'sluice.recentFiles';
const LIMIT = 10;

/** Paths of recently opened or saved graphs, newest first (kept in localStorage across sessions). */
export function recentFiles(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberRecentFile(path: string): void {
  const list = [path, ...recentFiles().filter((p) => p !== path)].slice(0, LIMIT);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or disabled: recent files are a convenience, not worth an error.
  }
}

export function forgetRecentFile(path: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(recentFiles().filter((p) => p !== path)));
  } catch {
    // See rememberRecentFile.
  }
}
