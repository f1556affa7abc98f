import { describe, expect, it } from 'vitest';
import { updateReadme } from '../../../bench/lib/readmeTables.mjs';

const machine = { cpus: 2, node: 'v20.20.2', loadAverageAtStart: [1.5, 1, 1] };
const pair = (plain: number, sluice: number, met: boolean | null) => ({
  plainLoopEventsPerSec: plain,
  sluiceEventsPerSec: sluice,
  ratio: Math.round((sluice / plain) * 1000) / 1000,
  met,
});
const ceilings = {
  at: '2026-12-01T10:00:00.000Z',
  machine,
  count: 5_000_000,
  keys: 100,
  repeat: 3,
  pipeline: { none: pair(20e6, 6e6, null), file: pair(4e6, 3.2e6, true), sqlite: pair(1.1e6, 0.5e6, false) },
  nodeRed: {
    version: '4.1.8',
    count: 100_000,
    eventsPerSec: 31_600,
    shareOfPlainLoop: 0.0016,
    sluiceTimesNodeRed: 189.9,
  },
};
const nexmark = {
  at: '2026-12-01T10:05:00.000Z',
  machine: { cpus: 2, node: 'v20.20.2', loadAverage: [0.5] },
  count: 5_000_000,
  eventRate: 10_000_000,
  repeat: 3,
  queries: {
    q0: {
      count: 5_000_000,
      eventsPerSecPerCore: 1_700_000,
      eventsPerSecPerCoreAfterStartup: 1_900_000,
      flinkPerCore: 155_000,
      timesFlink: 11,
      met: true,
      eventsPerSec: 1_600_000,
      plainLoopPerCore: 3_300_000,
      shareOfPlainLoop: 0.515,
    },
    q5: { count: 2_000_000, flinkPerCore: 22_100, failed: 'q5-0: exit 1: worker 0 stopped responding', met: false },
  },
};

const README = [
  '# Title',
  '## Performance',
  'Before.',
  '<!-- bench:ceilings -->',
  'old ceilings',
  '<!-- /bench:ceilings -->',
  'Between.',
  '<!-- bench:nexmark -->',
  '<!-- /bench:nexmark -->',
  '## After',
].join('\n');

describe('updateReadme', () => {
  it('rewrites only what lies between each part’s markers', () => {
    const out = updateReadme(README, { ceilings, nexmark });
    expect(
      out.startsWith('# Title\n## Performance\nBefore.\n<!-- bench:ceilings -->\n| standard pipeline, 5 M events'),
    ).toBe(true);
    expect(out).not.toContain('old ceilings');
    expect(out).toContain('\n<!-- /bench:ceilings -->\nBetween.\n<!-- bench:nexmark -->\n| Nexmark at 10 M events/s');
    expect(out.endsWith('\n<!-- /bench:nexmark -->\n## After')).toBe(true);
    // Running again on its own output changes nothing: the markers survive.
    expect(updateReadme(out, { ceilings, nexmark })).toBe(out);
  });

  it('puts the figures, ratios and verdicts of the results into the tables', () => {
    const out = updateReadme(README, { ceilings, nexmark });
    expect(out).toContain('| Sluice → `sink.file` | 3.20 M | **0.8** | ≥ 0.75: met |');
    expect(out).toContain('| Sluice → `sink.sqlite` append | 500.0k | **0.455** | ≥ 0.75: not yet |');
    expect(out).toContain('Node-RED 4.1.8');
    expect(out).toContain('Sluice (no sink) is 189.9× it');
    expect(out).toContain('| q0 pass through | 5 M | **1.70 M** (1.90 M after start-up) | 155.0k | **11×**: met |');
    expect(out).toContain(
      '| q5 hot items (sliding window) | 2 M | failed: q5-0: exit 1: worker 0 stopped responding |',
    );
    expect(out).toContain('load average 1.5 at the start');
  });

  it('leaves a part alone when the results have none for it', () => {
    const out = updateReadme(README, { nexmark });
    expect(out).toContain('<!-- bench:ceilings -->\nold ceilings\n<!-- /bench:ceilings -->');
  });

  it('says when Node-RED was skipped, and why', () => {
    const skipped = {
      ...ceilings,
      nodeRed: { version: '4.1.8', skipped: 'the npm registry is unreachable (ENOTFOUND)' },
    };
    expect(updateReadme(README, { ceilings: skipped })).toContain(
      '| Node-RED 4.1.8 | – | skipped: the npm registry is unreachable (ENOTFOUND) |',
    );
  });
});
