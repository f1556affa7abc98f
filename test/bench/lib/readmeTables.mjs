// The README's performance tables that `npm run bench` writes itself, from bench/results.json:
// each lives between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->` in README.md, so a
// rerun on a quiet machine replaces the figures and nothing else.

const fmt = (x) =>
  x === null || x === undefined
    ? '–'
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)} M`
      : x >= 1e4
        ? `${(x / 1e3).toFixed(1)}k`
        : String(Math.round(x));
/** A count: 5 M, 100k, 1.5 M. */
const count = (x) => (x >= 1e6 ? `${+(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${+(x / 1e3).toFixed(1)}k` : String(x));
const when = (r) =>
  `Measured ${r.at.slice(0, 10)} on ${r.machine.cpus} cores, Node ${r.machine.node}, load average ` +
  `${(r.machine.loadAverageAtStart ?? r.machine.loadAverage ?? [])[0] ?? '?'} at the start`;

function ceilings(r) {
  const p = r.pipeline;
  const met = (x) => (x.met === null ? '' : x.met ? 'met' : 'not yet');
  const rows = [
    ['plain single-threaded loop, same operators, no output', p.none.plainLoopEventsPerSec, '1', ''],
    ['Sluice, no sink', p.none.sluiceEventsPerSec, String(p.none.ratio), ''],
    ['plain loop writing the same JSON lines to a file (fsync at end)', p.file.plainLoopEventsPerSec, '1', ''],
    ['Sluice → `sink.file`', p.file.sluiceEventsPerSec, `**${p.file.ratio}**`, `≥ 0.75: ${met(p.file)}`],
    [
      'plain loop inserting the same rows into SQLite (WAL, synchronous=FULL, 4,096 rows a transaction)',
      p.sqlite.plainLoopEventsPerSec,
      '1',
      '',
    ],
    ['Sluice → `sink.sqlite` append', p.sqlite.sluiceEventsPerSec, `**${p.sqlite.ratio}**`, `≥ 0.75: ${met(p.sqlite)}`],
  ];
  const n = r.nodeRed;
  if (n?.eventsPerSec)
    rows.push([
      `Node-RED ${n.version}, same flow of function nodes, no output (${count(n.count)} events)`,
      n.eventsPerSec,
      `${n.shareOfPlainLoop} of the plain loop; Sluice (no sink) is ${n.sluiceTimesNodeRed}× it`,
      '',
    ]);
  else if (n)
    rows.push([`Node-RED ${n.version}`, null, n.skipped ? `skipped: ${n.skipped}` : `failed: ${n.failed}`, '']);
  return [
    `| standard pipeline, ${count(r.count)} events, ${r.keys} keys, checkpoints every 1 s | events/s | vs the plain loop with the same output | target |`,
    '|---|---|---|---|',
    ...rows.map(([what, eps, ratio, target]) => `| ${what} | ${fmt(eps)} | ${ratio} | ${target} |`),
    '',
    `${when(r)}; each ratio is the median over ${r.repeat} round${r.repeat === 1 ? '' : 's'} of its pair measured back to back.`,
  ].join('\n');
}

const QUERY_NAMES = {
  q0: 'pass through',
  q1: 'currency conversion',
  q2: 'selection',
  q5: 'hot items (sliding window)',
  q7: 'highest bid (tumbling window)',
  q8: 'monitor new users (interval join; target 5×)',
};

function nexmark(r) {
  const rows = Object.entries(r.queries).map(([q, x]) =>
    x.failed
      ? `| ${q} ${QUERY_NAMES[q] ?? ''} | ${count(x.count)} | failed: ${x.failed} | ${fmt(x.flinkPerCore)} | | | | |`
      : `| ${q} ${QUERY_NAMES[q] ?? ''} | ${count(x.count)} | **${fmt(x.eventsPerSecPerCore)}** (${fmt(x.eventsPerSecPerCoreAfterStartup)} after start-up) | ${fmt(x.flinkPerCore)} | **${x.timesFlink}×**: ${x.met ? 'met' : 'not yet'} | ${fmt(x.eventsPerSec)} | ${fmt(x.plainLoopPerCore)} | ${x.shareOfPlainLoop} |`,
  );
  return [
    `| Nexmark at ${count(r.eventRate)} events/s of event time, checkpoints every 1 s, into \`sink.discard\` | events | Sluice events/s per core | Flink 1.13 per core | vs Flink (target ≥ 10×) | Sluice events/s | plain loop per core | Sluice ÷ plain loop |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `${when(r)}; median${r.repeat === 1 ? '' : 's'} of ${r.repeat} run${r.repeat === 1 ? '' : 's'}. Per core: events ÷ CPU seconds of the whole CLI process (all threads, start-up included), as Nexmark's Throughput/Cores; in brackets without the CPU time of a run of the same graph with no events.`,
  ].join('\n');
}

function connectors(r) {
  const NAMES = { nats: 'NATS JetStream: `source.nats`', redis: 'Redis Streams: `source.redis`' };
  const rows = Object.entries(r.platforms).map(([k, x]) =>
    x.skipped
      ? `| ${NAMES[k] ?? k} | skipped: ${x.skipped} | | | |`
      : `| ${NAMES[k] ?? k} → map → \`sink.file\` | ${fmt(x.plainLoopEventsPerSec)} | ${fmt(x.sluiceEventsPerSec)} | **${x.ratio}** | ≥ 0.75: ${x.met ? 'met' : 'not yet'} |`,
  );
  return [
    `| ${count(r.count)} JSON messages drained into a JSON Lines file, end to end (Sluice: process start-up included) | plain client loop, events/s | Sluice, events/s | Sluice ÷ plain loop | target |`,
    '|---|---|---|---|---|',
    ...rows,
    '',
    `${when(r)}; ${r.repeat === 1 ? 'one round' : `medians of ${r.repeat} rounds`}, each pair measured back to back. Command: \`node scripts/bench.mjs connectors\`.`,
  ].join('\n');
}

const RENDER = { ceilings, nexmark, connectors };

/** README text with each marked table rewritten from `results` (bench/results.json's content). */
export function updateReadme(text, results) {
  let out = text;
  for (const [name, render] of Object.entries(RENDER)) {
    if (!results[name]) continue;
    const re = new RegExp(`(<!-- bench:${name} -->)[\\s\\S]*?(<!-- /bench:${name} -->)`);
    out = out.replace(re, (_, open, close) => `${open}\n${render(results[name])}\n${close}`);
  }
  return out;
}
