import { describe, expect, it } from 'vitest';
import type { WorkerFact } from '../../../../../engine/runtime/protocol.js';
import { InChannel } from '../../../../../engine/runtime/worker/InChannel.js';
import { OutChannel } from '../../../../../engine/runtime/worker/OutChannel.js';
import { WorkerMetrics } from '../../../../../engine/runtime/worker/WorkerMetrics.js';
import { ev, hostOf, servicesFor, tinyPlan } from './workerParts.js';

describe('WorkerMetrics', () => {
  it('reports queued events and blocked time of its channels, and each instance’s state size and events in', () => {
    const plan = tinyPlan(['a', 'b']);
    const { services } = servicesFor(plan);
    const m = new WorkerMetrics(plan);
    const inc = new InChannel(0, 0, 'in', 0, 8, () => undefined);
    inc.pushEvents([ev(0), ev(1), ev(2)]);
    const out = new OutChannel(
      1,
      0,
      2,
      () => undefined,
      () => undefined,
    );
    for (let i = 0; i < 5; i++) out.push(ev(i));
    out.flush();
    out.blockedMs = 12;
    m.addFusedBlocked([0], 3);
    const host = hostOf(services, 'b', 1, { process() {}, stateSize: () => 42 });
    host.deliver(ev(0), 'in', 0);
    host.deliver(ev(1), 'in', 0);
    const posted: WorkerFact[] = [];
    m.report(0, { ins: [inc], outs: [out], hosts: [host] }, (f) => posted.push(f));
    const report = posted.find((f) => f.type === 'metricsReported');
    expect(report).toBeDefined();
    if (report?.type !== 'metricsReported') return;
    // 3 waiting at the receiver + 3 not yet sent (credit 2 of 5).
    expect(report.counters.edgeQueued[0]).toBe(6);
    expect(report.counters.edgeBlockedMs[0]).toBe(15);
    expect(report.counters.nodeStateSize).toEqual([0, 42]);
    expect(report.counters.nodeIn).toEqual([0, 2]);
  });

  it('samples at most 20 events per tapped edge per report, and none once the tap is off', () => {
    const plan = tinyPlan(['a', 'b']);
    const m = new WorkerMetrics(plan);
    m.setTap(0, true);
    for (let i = 0; i < 50; i++) m.tapSample(0, ev(i));
    const posted: WorkerFact[] = [];
    const parts = { ins: [], outs: [], hosts: [] };
    m.report(0, parts, (f) => posted.push(f));
    const taps = posted.filter((f) => f.type === 'edgeTapped');
    expect(taps).toHaveLength(1);
    if (taps[0]?.type === 'edgeTapped')
      expect(taps[0].events.map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => `ev-${i}`));
    m.setTap(0, false);
    expect(m.tapped[0]).toBe(false);
    posted.length = 0;
    m.report(0, parts, (f) => posted.push(f));
    expect(posted.filter((f) => f.type === 'edgeTapped')).toEqual([]);
  });

  it('adds a turn’s time to every instance of the task', () => {
    const plan = tinyPlan(['a', 'b']);
    const { services } = servicesFor(plan);
    const m = new WorkerMetrics(plan);
    m.addBusy([hostOf(services, 'a', 0, { process() {} }), hostOf(services, 'b', 1, { process() {} })], 2.5);
    expect(m.counters.nodeBusyMs).toEqual([2.5, 2.5]);
  });
});
