import { constants as fsConstants } from 'node:fs';
import { lstat, open, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileEntry } from '../contract/index.js';
import { resolveLinks } from './resolveLinks.js';
import { UserError } from '../contract/index.js';

/** Files larger than this are refused on open: a graph is kilobytes, this bounds memory. */
export const MAX_OPEN_BYTES = 20 * 1024 * 1024;

/**
 * The file policy of a host: every path the user (or a page in a browser) names is confined to
 * the folders the user opened (SPEC §9).
 *
 * Why both a lexical and a real-path check: `..` segments are caught before touching the disk,
 * and a symlink inside a root that points outside it is caught after resolving it, also when
 * it dangles (its target does not exist yet, so a write would create it there). Writes are
 * limited to `.json` files so the web host can never be used to drop a script or a dotfile.
 */
export class FileAccess {
  private readonly roots: string[] = [];

  /** `roots`: folders the user opened. They are resolved to real paths lazily, on first use. */
  constructor(roots: readonly string[]) {
    for (const r of roots) this.roots.push(path.resolve(r));
  }

  /** The opened folders, as absolute paths. */
  get rootDirs(): readonly string[] {
    return this.roots;
  }

  /** Open one more folder (the desktop host adds the folder of a file picked in a dialog). */
  addRoot(dir: string): void {
    const abs = path.resolve(dir);
    if (!this.roots.includes(abs)) this.roots.push(abs);
  }

  /**
   * The real, absolute path of `p` if it lies inside an opened folder; throws `UserError`
   * otherwise. `p` may be absolute or relative to the first opened folder. With `mustExist:
   * false` the file itself may be missing, but its folder must exist inside a root.
   */
  async resolve(p: string, options: { mustExist?: boolean } = {}): Promise<string> {
    const mustExist = options.mustExist ?? true;
    if (typeof p !== 'string' || p.trim() === '') throw new UserError('No file path was given.');
    if (p.includes('\0')) throw new UserError('The file path contains a NUL character.');
    const first = this.roots[0];
    if (first === undefined) throw new UserError('No folder is open, so no file can be reached.');
    const abs = path.resolve(first, p);
    const realRoots = await this.realRoots();
    // 1. Lexical check: refuses `..` escapes without touching the disk.
    if (!this.roots.some((r) => isInside(abs, r)) && !realRoots.some((r) => isInside(abs, r))) {
      throw outside(p);
    }
    // 2. Real-path check: refuses symlinks (of the file or any folder above it) that leave a root.
    let real: string;
    try {
      real = await realpath(abs);
    } catch (err) {
      if (mustExist || !isNotFound(err)) throw notFound(p, err);
      // Missing: judge it by where a write would land, through any dangling link on the way.
      try {
        real = await resolveLinks(abs);
      } catch (linkErr) {
        throw notFound(p, linkErr);
      }
      if (!realRoots.some((r) => isInside(real, r))) throw outside(p);
      const folder = await stat(path.dirname(real)).catch(() => null);
      if (!folder?.isDirectory()) throw new UserError(`The folder of ${p} does not exist.`);
    }
    if (!realRoots.some((r) => isInside(real, r))) throw outside(p);
    return real;
  }

  /**
   * True when an absolute path (which may not exist yet, nor its folders) would land inside an
   * opened folder: every symlink on it is followed, dangling ones too (`resolveLinks`), and
   * where it leads is checked. A path that cannot be resolved (a loop of links) is not inside.
   */
  async contains(absPath: string): Promise<boolean> {
    if (absPath.includes('\0')) return false;
    let real: string;
    try {
      real = await resolveLinks(path.resolve(absPath));
    } catch {
      return false;
    }
    return (await this.realRoots()).some((r) => isInside(real, r));
  }

  /**
   * Folders and `.json` files in `dir`, folders first, hidden entries skipped. Without `dir`:
   * the contents of the opened folder if there is one, else the opened folders themselves.
   */
  async list(dir?: string): Promise<FileEntry[]> {
    if (dir === undefined || dir === '') {
      if (this.roots.length !== 1) {
        return this.roots.map((r) => ({ path: r, name: path.basename(r) || r, isDirectory: true }));
      }
      dir = this.roots[0] as string;
    }
    const real = await this.resolve(dir);
    const info = await stat(real);
    if (!info.isDirectory()) throw new UserError(`${dir} is not a folder.`);
    const entries = await readdir(real, { withFileTypes: true });
    const out: FileEntry[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(real, e.name);
      let isDirectory = e.isDirectory();
      if (e.isSymbolicLink()) {
        // Only list links that stay inside a root; the rest would be refused on open anyway.
        try {
          const target = await realpath(full);
          if (!(await this.realRoots()).some((r) => isInside(target, r))) continue;
          isDirectory = (await stat(target)).isDirectory();
        } catch {
          continue;
        }
      } else if (!isDirectory && !e.isFile()) {
        continue;
      }
      if (!isDirectory && !e.name.toLowerCase().endsWith('.json')) continue;
      out.push({ path: full, name: e.name, isDirectory });
    }
    out.sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name));
    return out;
  }

  /** The text of a file inside an opened folder. */
  async read(p: string): Promise<{ path: string; text: string }> {
    const real = await this.resolve(p);
    const info = await stat(real);
    if (info.isDirectory()) throw new UserError(`${p} is a folder, not a file.`);
    if (info.size > MAX_OPEN_BYTES) {
      throw new UserError(
        `${p} is ${Math.round(info.size / 1048576)} MB, more than the ${MAX_OPEN_BYTES / 1048576} MB a graph file may have.`,
      );
    }
    // O_NOFOLLOW is not needed: `real` is already the resolved target, checked against the roots.
    const handle = await open(real, fsConstants.O_RDONLY);
    try {
      return { path: real, text: await handle.readFile('utf8') };
    } finally {
      await handle.close();
    }
  }

  /** Write a `.json` file inside an opened folder, atomically (temp file, then rename). */
  async write(p: string, text: string): Promise<string> {
    if (typeof p !== 'string' || !p.toLowerCase().endsWith('.json')) {
      throw new UserError(`Only .json files can be saved; ${String(p)} is not one.`);
    }
    if (typeof text !== 'string') throw new UserError('The file contents must be text.');
    const real = await this.resolve(p, { mustExist: false });
    if (!real.toLowerCase().endsWith('.json')) {
      throw new UserError(`Only .json files can be saved; ${p} points to ${path.basename(real)}.`);
    }
    const existing = await lstat(real).catch(() => null);
    if (existing?.isDirectory()) throw new UserError(`${p} is a folder, not a file.`);
    const tmp = `${real}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
      await rename(tmp, real);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new UserError(`Could not save ${p}: ${errorCode(err)}.`);
    }
    return real;
  }

  private realRootsCache: { key: string; dirs: string[] } | null = null;

  private async realRoots(): Promise<string[]> {
    const key = this.roots.join('\0');
    if (this.realRootsCache?.key === key) return this.realRootsCache.dirs;
    const dirs: string[] = [];
    for (const r of this.roots) dirs.push(await realpath(r).catch(() => r));
    this.realRootsCache = { key, dirs };
    return dirs;
  }
}

/** True when `p` is `root` or below it. Both absolute and normalised. */
export function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function outside(p: string): UserError {
  return new UserError(`${p} is outside the folders you opened.`);
}

function notFound(p: string, err: unknown): UserError {
  return isNotFound(err)
    ? new UserError(`${p} does not exist.`)
    : new UserError(`Could not open ${p}: ${errorCode(err)}.`);
}

function isNotFound(err: unknown): boolean {
  return (
    (err as NodeJS.ErrnoException | null)?.code === 'ENOENT' ||
    (err as NodeJS.ErrnoException | null)?.code === 'ENOTDIR'
  );
}

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? (err instanceof Error ? err.message : String(err));
}
