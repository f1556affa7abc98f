import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Links followed in one resolution at most, as the kernel does (Linux: 40), then ELOOP. */
const MAX_LINKS = 40;

/**
 * Where an absolute path leads once every symlink on it is followed, also when the file (or
 * folders above it) does not exist yet: `realpath` fails on a missing target, and the parent's
 * real path plus the name misses a dangling link that points elsewhere (issue 10, fault 6:
 * `x.jsonl -> /outside/x.jsonl` passed the containment check, and a run created the file
 * outside). A path can only be judged by where a write to it would land.
 *
 * 1. Walk the path one name at a time from the root, keeping the real folder reached so far.
 * 2. A name that is a symlink is replaced by its target (relative to that folder), whose names
 *    are walked in turn: a chain of links, dangling or not, is followed to its end.
 * 3. A name that does not exist ends the walk: nothing below it can be a link yet, so the rest
 *    of the path is appended as it is.
 *
 * Throws an `ELOOP` error after `MAX_LINKS` links; other errors than "does not exist" pass up.
 */
export async function resolveLinks(absPath: string): Promise<string> {
  const { root } = path.parse(absPath);
  let real = root;
  const rest = absPath.slice(root.length).split(path.sep).reverse();
  let links = 0;
  while (rest.length > 0) {
    const name = rest.pop()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      real = path.dirname(real);
      continue;
    }
    const next = path.join(real, name);
    let isLink: boolean;
    try {
      isLink = (await lstat(next)).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      return path.join(next, ...rest.reverse());
    }
    if (!isLink) {
      real = next;
      continue;
    }
    if (++links > MAX_LINKS) {
      throw Object.assign(new Error(`too many symbolic links in ${absPath}`), { code: 'ELOOP' });
    }
    const target = await readlink(next);
    if (path.isAbsolute(target)) real = path.parse(target).root;
    rest.push(
      ...target
        .slice(path.isAbsolute(target) ? path.parse(target).root.length : 0)
        .split(path.sep)
        .reverse(),
    );
  }
  return real;
}
