import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveCommand } from '../../../../engine/host/serveCommand.js';
import type { WebHost } from '../../../../engine/host/WebHost.js';
import { rawRequest } from './hostFixture.js';

let base: string;
const output = () => ({ info: (l: string) => lines.info.push(l), error: (l: string) => lines.error.push(l) });
let lines: { info: string[]; error: string[] };

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'sluice-serve-')));
  lines = { info: [], error: [] };
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('serveCommand', () => {
  it('says in one line that the editor is not built, and exits 1', async () => {
    const code = await serveCommand({ staticDir: path.join(base, 'dist', 'renderer'), roots: [base] }, output());
    expect(code).toBe(1);
    expect(lines.error).toEqual(['the editor is not built; run npm run build']);
  });

  it('prints the URL with its token, opens the browser when asked, serves, and stops cleanly', async () => {
    const staticDir = path.join(base, 'dist');
    mkdirSync(staticDir);
    writeFileSync(path.join(staticDir, 'index.html'), '<title>editor</title>');
    const controller = new AbortController();
    const opened: string[] = [];
    let host: WebHost | undefined;
    const done = serveCommand(
      {
        staticDir,
        roots: [base],
        examplesDir: base,
        open: true,
        signal: controller.signal,
        openBrowser: (url) => opened.push(url),
        onListening: (h) => (host = h),
      },
      output(),
    );
    await expect.poll(() => host).toBeDefined();
    const url = (host as WebHost).url;
    expect(lines.info[0]).toBe(`Sluice editor: ${url}`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect(opened).toEqual([url]);
    const res = await rawRequest((host as WebHost).port, new URL(url).pathname + new URL(url).search);
    expect(res.body).toBe('<title>editor</title>');

    controller.abort();
    expect(await done).toBe(0);
    await expect(rawRequest((host as WebHost).port, '/')).rejects.toThrow();
  });

  it('refuses a folder that does not exist', async () => {
    const staticDir = path.join(base, 'dist');
    mkdirSync(staticDir);
    writeFileSync(path.join(staticDir, 'index.html'), 'x');
    const code = await serveCommand({ staticDir, roots: [path.join(base, 'missing')] }, output());
    expect(code).toBe(1);
    expect(lines.error[0]).toMatch(/^the folder .*missing does not exist$/);
  });
});
