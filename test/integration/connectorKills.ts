/**
 * Crash tests of connector runs (issue 14, item 5): a `sluice run` killed with SIGKILL at seeded
 * random moments and restarted at once, then left to finish. Shared by the RabbitMQ and MQTT
 * crash tests.
 */
import { spawn } from 'node:child_process';
import { CLI, REPO, mulberry32, runCli } from './sluiceCli.js';

export interface KillLog {
  kills: number;
  /** `progress()` when each kill was sent. */
  at: number[];
}

/**
 * Run `graph` with `state` until `kills` runs were killed with SIGKILL, each restarted at once.
 * A run is killed at a random moment (0..`maxMs`) after `progress()` (lines in the sink's file,
 * messages in the queue) has grown past what the run before it left, so every kill lands while
 * events are in flight, not during start-up. Stops early once `progress()` reaches `total`
 * (the caller then checks how many kills it got). A run that ends by itself first is fine.
 */
export async function killRepeatedly(
  graph: string,
  state: string,
  o: { kills: number; seed: number; maxMs: number; progress: () => number | Promise<number>; total: number },
): Promise<KillLog> {
  const random = mulberry32(o.seed);
  const at: number[] = [];
  for (let i = 0; i < o.kills * 3 && at.length < o.kills; i++) {
    const before = await o.progress();
    // Everything is through: no run left to interrupt mid-stream.
    if (before >= o.total) break;
    const delay = Math.round(random() * o.maxMs);
    const child = spawn(process.execPath, [CLI, 'run', graph, '--state', state], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let ended = false;
    void exited.then(() => (ended = true));
    const deadline = Date.now() + 30_000;
    while (!ended && (await o.progress()) <= before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    if (!ended && Date.now() >= deadline) child.kill('SIGTERM');
    else if (!ended) {
      await new Promise((r) => setTimeout(r, delay));
      if (!ended) {
        at.push(await o.progress());
        child.kill('SIGKILL');
      }
    }
    const code = await exited;
    if (code !== null && code !== 0) throw new Error(`run ${i} exited ${code} (seed ${o.seed}): ${stderr}`);
  }
  return { kills: at.length, at };
}

/** Rerun for `durationMs` at a time until `done()` holds (a live source never ends by itself). */
export async function runUntilDone(
  graph: string,
  state: string,
  durationMs: number,
  done: () => boolean | Promise<boolean>,
  maxRuns = 6,
): Promise<void> {
  for (let i = 0; i < maxRuns; i++) {
    const r = await runCli(['run', graph, '--state', state, '--duration', String(durationMs)], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`the final run exited ${r.code}: ${r.stderr}`);
    if (await done()) return;
  }
}
