import { describe, expect, it } from 'vitest';
import { parseAlertCondition, type AlertCondition } from '../../../../../engine/graph/alerts/parseAlertCondition.js';

const ok = (text: string): AlertCondition => {
  const r = parseAlertCondition(text);
  if (!r.ok) throw new Error(`expected ${text} to parse, got: ${r.error}`);
  return r.condition;
};
const error = (text: string): string => {
  const r = parseAlertCondition(text);
  if (r.ok) throw new Error(`expected ${text} to be refused`);
  return r.error;
};

describe('parseAlertCondition', () => {
  it('reads the SPEC form: an edge, a metric, a comparison and a number', () => {
    expect(ok('edge e3 lag > 1000')).toEqual({
      subject: { kind: 'edge', id: 'e3' },
      metric: 'lag',
      comparison: '>',
      threshold: 1000,
      thresholdText: '1000',
      display: { divisor: 1, suffix: '' },
    });
  });

  it('reads node and run subjects and every comparison', () => {
    expect(ok('node agg errors >= 1')).toMatchObject({ subject: { kind: 'node', id: 'agg' }, comparison: '>=' });
    expect(ok('run rate < 10')).toMatchObject({ subject: { kind: 'run' }, metric: 'rate', comparison: '<' });
    expect(ok('run restarts <= 2').comparison).toBe('<=');
    expect(ok('node f busy == 0').comparison).toBe('==');
  });

  it('needs no spaces around the comparison and allows extra ones elsewhere', () => {
    expect(ok('edge e1 queued>=512')).toMatchObject({ comparison: '>=', threshold: 512 });
    expect(ok('  edge   e1   queued   <   -3  ')).toMatchObject({ comparison: '<', threshold: -3 });
  });

  it('converts a threshold unit into the metric’s own unit and prints values in the written one', () => {
    expect(ok('edge e1 backpressure > 50%')).toMatchObject({ threshold: 0.5, display: { divisor: 0.01, suffix: '%' } });
    expect(ok('edge e1 backpressure > 0.5')).toMatchObject({ threshold: 0.5, display: { divisor: 1, suffix: '' } });
    expect(ok('edge e1 latencyP99 > 1.5s')).toMatchObject({
      threshold: 1500,
      display: { divisor: 1000, suffix: ' s' },
    });
    expect(ok('edge e1 latencyP99 > 250 ms')).toMatchObject({ threshold: 250, thresholdText: '250 ms' });
    expect(ok('edge e1 rate < 1.5k/s')).toMatchObject({ threshold: 1500, display: { divisor: 1000, suffix: 'k/s' } });
    expect(ok('run rate < 2M')).toMatchObject({ threshold: 2e6 });
    expect(ok('edge e1 lag > 1k').threshold).toBe(1000);
  });

  it('reads a quoted id with spaces and comparison characters', () => {
    expect(ok('edge "orders > in" rate < 10').subject).toEqual({ kind: 'edge', id: 'orders > in' });
    expect(error('edge "orders rate < 10')).toBe('has a quoted edge id without its closing quote');
  });

  it('names what is wrong with a bad subject', () => {
    expect(error('')).toMatch(/^is empty; write it as <edge ID \| node ID \| run>/);
    expect(error('egde e3 lag > 1')).toBe(
      'starts with "egde"; it must start with "edge <id>", "node <id>" or "run" (did you mean "edge"?)',
    );
    expect(error('edge')).toBe('names no edge id after "edge"');
    expect(error('edge lag > 1000')).toBe('names no edge id: write it as edge <id> lag …');
  });

  it('names an unknown metric, suggests the closest and lists those the subject has', () => {
    expect(error('edge e3 lagg > 1000')).toBe(
      'names the metric "lagg", which an edge does not have (did you mean "lag"?); metrics of an edge are lag, rate, bytesRate, queued, fill, backpressure, latencyP50, latencyP99, total, skipped',
    );
    // A node metric on the run, and a prototype key, are no metrics.
    expect(error('run busy > 0.5')).toMatch(
      /^names the metric "busy", which the run does not have; metrics of the run are rate,/,
    );
    expect(error('node a constructor > 1')).toBe(
      'names the metric "constructor", which a node does not have; metrics of a node are rate, outRate, errors, errorsTotal, dropped, droppedTotal, busy, stateSize',
    );
  });

  it('names a bad comparison and suggests the one meant', () => {
    expect(error('edge e3 lag = 1000')).toBe('compares with "="; use >, >=, <, <= or == (did you mean "=="?)');
    expect(error('edge e3 lag => 1000')).toBe('compares with "=>"; use >, >=, <, <= or == (did you mean ">="?)');
    expect(error('edge e3 lag != 1000')).toBe('compares with "!="; use >, >=, <, <= or ==');
    expect(error('edge e3 lag above 1000')).toBe('has "above" where a comparison belongs (use >, >=, <, <= or ==)');
    expect(error('edge e3 lag')).toBe('has no comparison after "lag" (use >, >=, <, <= or ==)');
  });

  it('names a threshold that is no number, has a unit that does not fit, or is followed by more', () => {
    expect(error('edge e3 lag >')).toBe('has no number after ">"');
    expect(error('edge e3 lag > lots')).toBe(
      'compares with "lots", which is not a number (write e.g. 1000, 0.5, 50%, 250ms or 1.5k)',
    );
    expect(error('edge e3 lag > 1,000')).toBe(
      'compares with "1,000", which is not a number (write it without thousands separators)',
    );
    expect(error('edge e3 lag > 50%')).toBe(
      'writes the threshold in "%", which does not fit lag (a count: write a plain number, or k or M)',
    );
    expect(error('edge e3 backpressure > 5s')).toMatch(
      /^writes the threshold in "s", which does not fit backpressure \(a share/,
    );
    expect(error('edge e3 lag > 5/s')).toBe(
      'writes the threshold per second ("/s"), but lag is not a rate (a count: write a plain number, or k or M)',
    );
    expect(error('edge e3 lag > 1000 and node a errors > 0')).toBe(
      'goes on after the threshold with "and node a errors > 0"; an alert has one condition',
    );
  });
});
