/**
 * The import boundaries of STYLE.md as eslint.config.mjs enforces them (issue 10, "guardrails
 * that run"): run through the real ESLint with the repo's config on text placed where a source
 * file would be. Before, a core file could import renderer/, and the core rule matched the
 * engine's Node side only one folder up.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: REPO });

/** The specifiers of `imports` that the config refuses in a file at `file` (repo-relative). */
async function refused(file: string, imports: readonly string[]): Promise<string[]> {
  const text = imports.map((spec, i) => `import * as m${i} from '${spec}';\nexport const x${i} = m${i};\n`).join('');
  const [result] = await eslint.lintText(text, { filePath: path.join(REPO, file) });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => imports[Math.floor((m.line - 1) / 2)]!);
}

describe('eslint.config.mjs import boundaries', () => {
  it('lets the renderer import engine/contract and the isomorphic core only', async () => {
    const file = 'renderer/panels/Probe.ts';
    const allowed = [
      '../../engine/contract/graphFile.js',
      '../../engine/graph/validate.js',
      '../../engine/nodes/registry.js',
    ];
    const forbidden = [
      '../../engine/runtime/startRun.js',
      '../../engine/store/StateStore.js',
      '../../engine/host/FileAccess.js',
      '../../engine/cli/main.js',
      '../../engine/scaleout/GroupRun.js',
      '../../engine/index.js',
      '../../main/menu.js',
      'node:fs',
      'better-sqlite3',
      'electron',
    ];
    expect(await refused(file, allowed)).toEqual([]);
    expect(await refused(file, forbidden)).toEqual(forbidden);
  });

  it('keeps the isomorphic core off Node, the engine’s Node side and renderer/, at any depth', async () => {
    const forbidden = [
      '../../store/StateStore.js',
      '../../runtime/startRun.js',
      '../../scaleout/GroupMember.js',
      '../../../renderer/App.js',
      'node:path',
    ];
    expect(await refused('engine/nodes/deep/probe.ts', forbidden)).toEqual(forbidden);
    expect(await refused('engine/graph/probe.ts', ['../../renderer/App.js', '../host/FileAccess.js'])).toHaveLength(2);
    expect(await refused('engine/graph/probe.ts', ['../contract/graphFile.js', './validate.js', 'acorn'])).toEqual([]);
  });

  it('lets the engine’s Node side use Node but never renderer/ or main/', async () => {
    expect(await refused('engine/store/Probe.ts', ['node:fs', 'better-sqlite3', '../graph/validate.js'])).toEqual([]);
    expect(await refused('engine/host/Probe.ts', ['../../renderer/App.js', '../../main/main.js'])).toHaveLength(2);
  });
});
