import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const load = async <T>(script: string): Promise<T> => (await import(pathToFileURL(resolve(script)).href)) as T;
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('scripts/build-main.mjs', () => {
  it('bundles main, preload and engine process as CommonJS, keeping the engine out of main and Node out of the preload', async () => {
    const { buildMain } = await load<{ buildMain(o: { outdir: string; sourcemap: boolean }): Promise<void> }>(
      'scripts/build-main.mjs',
    );
    const outdir = mkdtempSync(join(tmpdir(), 'sluice-main-'));
    temps.push(outdir);
    await buildMain({ outdir, sourcemap: false });
    const requires = (file: string) =>
      [
        ...new Set([...readFileSync(join(outdir, file), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])),
      ].sort();
    // A sandboxed preload may only require electron.
    expect(requires('preload.cjs')).toEqual(['electron']);
    // Main must not load better-sqlite3 (it would be the wrong ABI there) nor any engine code.
    expect(requires('main.cjs')).not.toContain('better-sqlite3');
    expect(readFileSync(join(outdir, 'main.cjs'), 'utf8')).not.toContain('class EngineService');
    expect(readFileSync(join(outdir, 'engineProcess.cjs'), 'utf8')).toContain('EngineService');
  }, 60_000);
});

describe('scripts/electron-available.mjs', () => {
  const make = (pathTxt: string | null, binary: string | null): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-electron-'));
    temps.push(dir);
    if (pathTxt !== null) writeFileSync(join(dir, 'path.txt'), pathTxt);
    if (binary) {
      mkdirSync(join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'dist', binary), '');
    }
    return dir;
  };

  it('finds the binary named by path.txt when it was downloaded', async () => {
    const { electronBinaryPath } = await load<{ electronBinaryPath(dir?: string): string | null }>(
      'scripts/electron-available.mjs',
    );
    const dir = make('electron', 'electron');
    expect(electronBinaryPath(dir)).toBe(join(dir, 'dist', 'electron'));
  });

  it('gives null when path.txt is missing, empty, or names a missing binary', async () => {
    const { electronBinaryPath } = await load<{ electronBinaryPath(dir?: string): string | null }>(
      'scripts/electron-available.mjs',
    );
    expect(electronBinaryPath(make(null, null))).toBeNull();
    expect(electronBinaryPath(make('', null))).toBeNull();
    expect(electronBinaryPath(make('electron', null))).toBeNull();
  });
});
