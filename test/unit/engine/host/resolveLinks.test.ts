import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveLinks } from '../../../../engine/host/resolveLinks.js';

let base: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'sluice-links-')));
  mkdirSync(path.join(base, 'real', 'sub'), { recursive: true });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('resolveLinks', () => {
  it('returns an existing path without links as it is, and a missing tail appended', async () => {
    expect(await resolveLinks(path.join(base, 'real', 'sub'))).toBe(path.join(base, 'real', 'sub'));
    expect(await resolveLinks(path.join(base, 'real', 'new', 'deeper', 'x.jsonl'))).toBe(
      path.join(base, 'real', 'new', 'deeper', 'x.jsonl'),
    );
  });

  it('follows a dangling link to where its target would be created', async () => {
    symlinkSync('/nonexistent-sluice-target/x.jsonl', path.join(base, 'real', 'x.jsonl'));
    expect(await resolveLinks(path.join(base, 'real', 'x.jsonl'))).toBe('/nonexistent-sluice-target/x.jsonl');
  });

  it('follows relative links and folder links in the middle of a path, with .. after them', async () => {
    symlinkSync('real/sub', path.join(base, 'alias'));
    symlinkSync('../gone/file', path.join(base, 'real', 'sub', 'rel'));
    expect(await resolveLinks(path.join(base, 'alias', 'rel'))).toBe(path.join(base, 'real', 'gone', 'file'));
    // Joined by hand: path.join would drop 'alias/..' before the link is followed.
    expect(await resolveLinks(`${base}/alias/../x`)).toBe(path.join(base, 'real', 'x'));
  });

  it('gives up on a loop of links with ELOOP', async () => {
    symlinkSync('b', path.join(base, 'a'));
    symlinkSync('a', path.join(base, 'b'));
    await expect(resolveLinks(path.join(base, 'a'))).rejects.toMatchObject({ code: 'ELOOP' });
  });
});
