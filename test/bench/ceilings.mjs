// The ceilings of issue 12 (item 5), side by side in one run: `npm run bench` or
// `node scripts/bench.mjs ceilings`. The standard pipeline (5 M events, 100 keys, checkpoints
// every 1 s; test/bench/lib/standardPipeline.mjs) runs
//   - as a plain single-threaded loop: with no output, writing the same JSON lines to a file
//     (fsync at the end), inserting the same rows into SQLite (WAL, synchronous=FULL, 4,096 rows
//     a transaction);
//   - in Sluice through the bundled CLI (dist/cli.js): with no sink, into sink.file, into
//     sink.sqlite append;
//   - in Node-RED (installed on demand outside the repo, headless), with no output, on fewer
//     events (it is ~100× slower), as events/s of the same per-event work.
// Every figure is paired with its baseline from the same round (rounds alternate all variants,
// so a busy machine slows both sides of a ratio alike); ratios are the median over rounds.
// Sluice's events/s use the run's own clock (metrics run.elapsedMs: from start to the final
// checkpoint, process start-up excluded); the plain loops time the loop, file and fsync included.
// Env: BENCH_CEILINGS_COUNT (5,000,000), BENCH_REPEAT (3), BENCH_NODERED_COUNT (100,000; 0 skips it),
// BENCH_CEILINGS_SINKS (none,file,sqlite), BENCH_BASE_CLI (another build, run beside dist/cli.js in
// each round for an A/B of a change: its figures print on stderr as `base`).
// Prints one JSON object and writes test-results/bench-ceilings.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_RED_VERSION, runNodeRed } from './lib/nodeRed.mjs';
import { BASE_CLI, ROOT, median, requireBuild, round, runGraph } from './lib/runCli.mjs';
import { KEYS, pipelineGraph, plainPipeline } from './lib/standardPipeline.mjs';

const COUNT = Number(process.env.BENCH_CEILINGS_COUNT ?? 5_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const NODE_RED_COUNT = Number(process.env.BENCH_NODERED_COUNT ?? 100_000);
const SINKS = (process.env.BENCH_CEILINGS_SINKS ?? 'none,file,sqlite').split(',');
const TARGET = { none: null, file: 0.75, sqlite: 0.75 };

requireBuild();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-ceilings-'));
const loadAtStart = os.loadavg().map((x) => round(x, 2));

const rounds = [];
for (let r = 0; r < REPEAT; r++) {
  const round_ = {};
  for (const sink of SINKS) {
    const file = path.join(work, `plain-${sink}.${sink === 'sqlite' ? 'db' : 'jsonl'}`);
    const plain = plainPipeline(COUNT, sink, file);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    const s = await runGraph(work, `sluice-${sink}-${r}`, pipelineGraph(COUNT, sink));
    const outputs = sink === 'none' ? s.last.nodes.total.out : s.last.nodes.out.in;
    fs.rmSync(s.dir, { recursive: true, force: true }); // the file sink's output is ~200 MB
    if (BASE_CLI) {
      const b = await runGraph(work, `base-${sink}-${r}`, pipelineGraph(COUNT, sink), BASE_CLI);
      fs.rmSync(b.dir, { recursive: true, force: true });
      const bRate = COUNT / (b.runMs / 1000);
      console.error(
        `round ${r + 1}, ${sink}: base ${Math.round(bRate)} events/s (${round(bRate / plain.eventsPerSec, 3)}), ` +
          `CPU ${round(b.cpuMs / 1000, 2)} s`,
      );
    }
    round_[sink] = {
      plainEventsPerSec: plain.eventsPerSec,
      sluiceEventsPerSec: COUNT / (s.runMs / 1000),
      ratio: COUNT / (s.runMs / 1000) / plain.eventsPerSec,
      sluiceCpuSeconds: s.cpuMs / 1000,
      sluiceWallSeconds: s.wallMs / 1000,
      checkpoints: s.last.run.checkpoints.count,
      sameOutputs: outputs === plain.outputs,
    };
    console.error(
      `round ${r + 1}, ${sink}: plain ${Math.round(plain.eventsPerSec)} events/s, Sluice ` +
        `${Math.round(round_[sink].sluiceEventsPerSec)} (${round(round_[sink].ratio, 3)}), CPU ${round(s.cpuMs / 1000, 2)} s`,
    );
  }
  rounds.push(round_);
}

const pipeline = {};
for (const sink of SINKS) {
  const rs = rounds.map((x) => x[sink]);
  const ratio = median(rs.map((x) => x.ratio));
  pipeline[sink] = {
    plainLoopEventsPerSec: Math.round(median(rs.map((x) => x.plainEventsPerSec))),
    sluiceEventsPerSec: Math.round(median(rs.map((x) => x.sluiceEventsPerSec))),
    ratio: round(ratio, 3),
    target: TARGET[sink] === null ? null : `>= ${TARGET[sink]} of the plain loop`,
    met: TARGET[sink] === null ? null : ratio >= TARGET[sink],
    sameOutputs: rs.every((x) => x.sameOutputs),
    rounds: rs.map((x) => ({
      plainEventsPerSec: Math.round(x.plainEventsPerSec),
      sluiceEventsPerSec: Math.round(x.sluiceEventsPerSec),
      ratio: round(x.ratio, 3),
      sluiceCpuSeconds: round(x.sluiceCpuSeconds, 2),
      sluiceWallSeconds: round(x.sluiceWallSeconds, 2),
      checkpoints: x.checkpoints,
    })),
  };
}

// Node-RED last, against a plain no-output loop and a Sluice no-sink run of the same count, so
// its ratios too come from one moment of the machine.
let nodeRed;
if (NODE_RED_COUNT > 0) {
  try {
    const nr = await runNodeRed(NODE_RED_COUNT, work);
    if (nr.skipped) {
      console.error(`Node-RED skipped: ${nr.skipped}`);
      nodeRed = { version: NODE_RED_VERSION, skipped: nr.skipped };
    } else {
      const plain = plainPipeline(COUNT, 'none');
      nodeRed = {
        version: nr.version,
        count: nr.count,
        eventsPerSec: Math.round(nr.eventsPerSec),
        eventsPerCpuSecond: Math.round(nr.count / nr.cpuSeconds),
        shareOfPlainLoop: round(nr.eventsPerSec / plain.eventsPerSec, 5),
        sluiceTimesNodeRed: round(pipeline.none.sluiceEventsPerSec / nr.eventsPerSec, 1),
        plainLoopEventsPerSec: Math.round(plain.eventsPerSec),
      };
      console.error(`Node-RED ${nr.version}: ${nodeRed.eventsPerSec} events/s`);
    }
  } catch (e) {
    console.error(`Node-RED failed: ${e.message}`);
    nodeRed = { version: NODE_RED_VERSION, failed: e.message };
  }
}
fs.rmSync(work, { recursive: true, force: true });

const result = {
  name: 'ceilings',
  at: new Date().toISOString(),
  machine: { cpus: os.availableParallelism(), node: process.version, loadAverageAtStart: loadAtStart },
  count: COUNT,
  keys: KEYS,
  repeat: REPEAT,
  checkpointIntervalMs: 1000,
  pipeline,
  nodeRed,
};
fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'test-results', 'bench-ceilings.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
