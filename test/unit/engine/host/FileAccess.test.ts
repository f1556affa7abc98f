import { mkdtempSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../engine/contract/index.js';
import { FileAccess } from '../../../../engine/host/FileAccess.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'sluice-files-')));
  root = path.join(base, 'project');
  outside = path.join(base, 'elsewhere');
  mkdirSync(path.join(root, 'graphs'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, 'graphs', 'a.sluice.json'), '{"name":"a"}');
  writeFileSync(path.join(root, 'notes.txt'), 'hello');
  writeFileSync(path.join(root, '.hidden.json'), '{}');
  writeFileSync(path.join(outside, 'secret.json'), '{"secret":true}');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('FileAccess', () => {
  it('reads a file inside an opened folder, by absolute or relative path', async () => {
    const files = new FileAccess([root]);
    expect((await files.read(path.join(root, 'graphs', 'a.sluice.json'))).text).toBe('{"name":"a"}');
    expect((await files.read('graphs/a.sluice.json')).path).toBe(path.join(root, 'graphs', 'a.sluice.json'));
  });

  it('refuses a .. escape out of the opened folder with a clear message', async () => {
    const files = new FileAccess([root]);
    await expect(files.read('../elsewhere/secret.json')).rejects.toThrow(/is outside the folders you opened/);
    await expect(files.read(path.join(root, '..', 'elsewhere', 'secret.json'))).rejects.toBeInstanceOf(UserError);
  });

  it('refuses an absolute path outside every opened folder', async () => {
    const files = new FileAccess([root]);
    await expect(files.read(path.join(outside, 'secret.json'))).rejects.toThrow(/outside the folders you opened/);
    await expect(files.list(outside)).rejects.toThrow(/outside the folders you opened/);
  });

  it('refuses a symlinked file that points outside the opened folder', async () => {
    symlinkSync(path.join(outside, 'secret.json'), path.join(root, 'link.json'));
    const files = new FileAccess([root]);
    await expect(files.read(path.join(root, 'link.json'))).rejects.toThrow(/outside the folders you opened/);
  });

  it('refuses a save through a symlinked folder that leaves the opened folder', async () => {
    symlinkSync(outside, path.join(root, 'door'));
    const files = new FileAccess([root]);
    await expect(files.write(path.join(root, 'door', 'new.json'), '{}')).rejects.toThrow(
      /outside the folders you opened/,
    );
    await expect(files.read(path.join(root, 'door', 'secret.json'))).rejects.toThrow(/outside/);
  });

  it('follows a symlink that stays inside the opened folder', async () => {
    symlinkSync(path.join(root, 'graphs'), path.join(root, 'alias'));
    const files = new FileAccess([root]);
    expect((await files.read(path.join(root, 'alias', 'a.sluice.json'))).text).toBe('{"name":"a"}');
  });

  it('refuses to save a file that is not .json', async () => {
    const files = new FileAccess([root]);
    await expect(files.write(path.join(root, 'run.sh'), 'rm -rf /')).rejects.toThrow(
      /Only \.json files can be saved; .*run\.sh is not one/,
    );
    await expect(files.write(path.join(root, '.bashrc'), 'x')).rejects.toThrow(/Only \.json/);
  });

  it('refuses a .json symlink that points at a file of another kind', async () => {
    symlinkSync(path.join(root, 'notes.txt'), path.join(root, 'sneaky.json'));
    const files = new FileAccess([root]);
    await expect(files.write(path.join(root, 'sneaky.json'), '{}')).rejects.toThrow(/Only \.json files can be saved/);
    expect(readFileSync(path.join(root, 'notes.txt'), 'utf8')).toBe('hello');
  });

  it('saves a .json file inside the folder and replaces an existing one', async () => {
    const files = new FileAccess([root]);
    await files.write('graphs/b.sluice.json', '{"b":1}');
    await files.write('graphs/b.sluice.json', '{"b":2}');
    expect(readFileSync(path.join(root, 'graphs', 'b.sluice.json'), 'utf8')).toBe('{"b":2}');
  });

  it('refuses a save into a folder that does not exist', async () => {
    const files = new FileAccess([root]);
    await expect(files.write('missing/x.json', '{}')).rejects.toThrow(/The folder of missing\/x\.json does not exist/);
  });

  it('says a missing file does not exist', async () => {
    const files = new FileAccess([root]);
    await expect(files.read('graphs/nope.json')).rejects.toThrow('graphs/nope.json does not exist.');
  });

  it('refuses a path with a NUL character and an empty path', async () => {
    const files = new FileAccess([root]);
    await expect(files.read('graphs/a.json\0.txt')).rejects.toThrow(/NUL/);
    await expect(files.read('')).rejects.toThrow(/No file path/);
  });

  it('lists folders first, then .json files, skipping hidden entries and other files', async () => {
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'z.json'), '{}');
    const files = new FileAccess([root]);
    const names = (await files.list()).map((e) => `${e.isDirectory ? 'd' : 'f'}:${e.name}`);
    expect(names).toEqual(['d:data', 'd:graphs', 'f:z.json']);
  });

  it('does not list a symlink that leads outside the opened folder', async () => {
    symlinkSync(outside, path.join(root, 'door'));
    const files = new FileAccess([root]);
    expect((await files.list()).map((e) => e.name)).not.toContain('door');
  });

  it('lists the opened folders themselves when there are several', async () => {
    const files = new FileAccess([root, outside]);
    expect(await files.list()).toEqual([
      { path: root, name: 'project', isDirectory: true },
      { path: outside, name: 'elsewhere', isDirectory: true },
    ]);
    expect((await files.read(path.join(outside, 'secret.json'))).text).toContain('secret');
  });

  it('tells whether a path that does not exist yet would land inside a folder', async () => {
    symlinkSync(outside, path.join(root, 'door'));
    const files = new FileAccess([root]);
    expect(await files.contains(path.join(root, 'out', 'deep', 'x.jsonl'))).toBe(true);
    expect(await files.contains(path.join(root, 'door', 'x.jsonl'))).toBe(false);
    expect(await files.contains(path.join(outside, 'x.jsonl'))).toBe(false);
  });

  it('refuses a path through a dangling symlink whose target would be created outside', async () => {
    // Issue 10, fault 6: the missing target made realpath fail, and the parent's real path
    // plus the name looked inside, so a run created out/x.jsonl in the other folder.
    symlinkSync(path.join(outside, 'x.jsonl'), path.join(root, 'x.jsonl'));
    symlinkSync(path.join(outside, 'missing-dir'), path.join(root, 'gone'));
    symlinkSync(path.join(outside, 'new.json'), path.join(root, 'new.json'));
    const files = new FileAccess([root]);
    expect(await files.contains(path.join(root, 'x.jsonl'))).toBe(false);
    expect(await files.contains(path.join(root, 'gone', 'deep', 'x.jsonl'))).toBe(false);
    await expect(files.write('new.json', '{}')).rejects.toThrow('new.json is outside the folders you opened.');
    await expect(files.resolve('x.jsonl', { mustExist: false })).rejects.toThrow(/outside the folders you opened/);
  });

  it('follows a chain of dangling links to its end, and accepts one that ends inside', async () => {
    symlinkSync('b.jsonl', path.join(root, 'a.jsonl'));
    symlinkSync(path.join(root, 'graphs', 'c.jsonl'), path.join(root, 'b.jsonl'));
    symlinkSync(path.join(outside, 'c.jsonl'), path.join(root, 'graphs', 'c.jsonl'));
    symlinkSync('graphs/kept.jsonl', path.join(root, 'inside.jsonl'));
    const files = new FileAccess([root]);
    expect(await files.contains(path.join(root, 'a.jsonl'))).toBe(false);
    expect(await files.contains(path.join(root, 'inside.jsonl'))).toBe(true);
    expect(await files.resolve('inside.jsonl', { mustExist: false })).toBe(path.join(root, 'graphs', 'kept.jsonl'));
  });

  it('treats a loop of links as outside rather than hanging or crashing', async () => {
    symlinkSync('loop2', path.join(root, 'loop1'));
    symlinkSync('loop1', path.join(root, 'loop2'));
    const files = new FileAccess([root]);
    expect(await files.contains(path.join(root, 'loop1', 'x.jsonl'))).toBe(false);
    await expect(files.resolve('loop1', { mustExist: false })).rejects.toBeInstanceOf(UserError);
  });
});
