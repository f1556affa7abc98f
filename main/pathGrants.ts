import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The folders the user has shown main they mean to work in: the folder of every file they
 * picked in a native dialog, passed on the command line, or opened from Open Recent. The
 * renderer may reach files only inside these, so a page that was somehow subverted cannot read
 * ~/.ssh through `openFile`. (The web host confines files the same way; SPEC §9.) Which
 * arguments are paths comes from the schema (`pathsOfCall` in engine/contract/rpc).
 */
export class PathGrants {
  private readonly folders = new Set<string>();

  /** `onGrant` hears each newly granted folder (main passes it on to the engine's file policy). */
  constructor(private readonly onGrant?: (folder: string) => void) {}

  /** Allow the folder `folder` and everything below it. */
  grantFolder(folder: string): void {
    const abs = resolve(folder);
    if (this.folders.has(abs)) return;
    this.folders.add(abs);
    this.onGrant?.(abs);
  }

  /** Allow the folder that holds `file` (a graph's sinks and state store live beside it). */
  grantFileFolder(file: string): void {
    this.grantFolder(dirname(resolve(file)));
  }

  /** True when `path` is absolute and inside a granted folder (`..` cannot climb out). */
  allows(path: string): boolean {
    if (!isAbsolute(path)) return false;
    const target = resolve(path);
    for (const folder of this.folders) {
      const rel = relative(folder, target);
      if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return true;
    }
    return false;
  }

  list(): string[] {
    return [...this.folders];
  }
}
