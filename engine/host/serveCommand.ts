import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineService } from './EngineService.js';
import { startWebHost } from './WebHost.js';
import type { WebHost } from './WebHost.js';

/** Where `serve` writes: the CLI passes stdout/stderr lines; tests collect them. */
export interface ServeOutput {
  info(line: string): void;
  error(line: string): void;
}

export interface ServeOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** Open the editor in the default browser. */
  open?: boolean;
  /** A fixed token instead of a random one (end-to-end tests); a user should not need it. */
  token?: string;
  /** Folders the editor may read and save in (default: the current folder). */
  roots?: string[];
  /** The built renderer; default `<repo>/dist/renderer`. */
  staticDir?: string;
  /** The example gallery; default `<repo>/assets/examples`. */
  examplesDir?: string;
  /** Where unsaved graphs keep their state and templates their files; default `userDataDir()`. */
  dataDir?: string;
  /** Stops the server when aborted (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  /** Opens a URL in a browser; default the platform's opener. Failures are ignored. */
  openBrowser?: (url: string) => void;
  /** Called once the host listens (tests read the URL from it). */
  onListening?: (host: WebHost) => void;
}

/**
 * `sluice serve`: the editor in a browser, on 127.0.0.1 only (SPEC §8–9).
 * 1. Refuse to start without a built editor, in one line.
 * 2. Start the web host, print its URL with the token, open a browser if asked.
 * 3. On SIGINT/SIGTERM (or `signal`): stop live runs (final checkpoint each), close the host.
 * Resolves with the process exit code.
 */
export async function serveCommand(options: ServeOptions, out: ServeOutput): Promise<number> {
  const repo = repoRoot();
  const staticDir = path.resolve(options.staticDir ?? path.join(repo, 'dist', 'renderer'));
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    out.error('the editor is not built; run npm run build');
    return 1;
  }
  const roots = (options.roots && options.roots.length > 0 ? options.roots : [process.cwd()]).map((r) =>
    path.resolve(r),
  );
  for (const root of roots) {
    if (!existsSync(root)) {
      out.error(`the folder ${root} does not exist`);
      return 1;
    }
  }
  const service = new EngineService({
    roots,
    examplesDir: path.resolve(options.examplesDir ?? path.join(repo, 'assets', 'examples')),
    dataDir: options.dataDir ?? userDataDir(),
  });
  let host: WebHost;
  try {
    host = await startWebHost({
      port: options.port ?? 0,
      staticDir,
      service,
      ...(options.token ? { token: options.token } : {}),
      log: (line) => out.error(line),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'EADDRINUSE') out.error(`port ${options.port} is already in use; pick another with --port`);
    else if (code === 'EACCES') out.error(`port ${options.port} needs privileges; pick one above 1024 with --port`);
    else out.error(`the web host could not start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  out.info(`Sluice editor: ${host.url}`);
  out.info(`Serving ${roots.join(', ')} on 127.0.0.1 only. Press Ctrl+C to stop.`);
  options.onListening?.(host);
  if (options.open) (options.openBrowser ?? openInBrowser)(host.url);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop);
  });
  out.info('Stopping…');
  await service
    .stopAll()
    .catch((err: unknown) =>
      out.error(`a run did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`),
    );
  await host.close();
  return 0;
}

/**
 * The per-user data folder of the web host: `$SLUICE_DATA_DIR` if set (tests), else the
 * platform's place for application data (XDG on Linux, Application Support on macOS, AppData
 * on Windows), in a `sluice` folder.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SLUICE_DATA_DIR) return path.resolve(env.SLUICE_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Sluice');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Sluice');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'sluice');
}

/** Open a URL with the platform's opener; a missing opener (a server, a container) is fine. */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The URL is printed; the user can open it by hand.
  }
}

/** The folder holding Sluice's package.json, found from this file (source or bundle). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'assets'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
