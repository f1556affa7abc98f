import { describe, expect, it } from 'vitest';
import { closestName } from '../../../../engine/graph/closestName.js';

const types = ['source.generator', 'source.file', 'map', 'filter', 'sink.sqlite', 'sink.console'];

describe('closestName', () => {
  it('finds a one-letter typo', () => {
    expect(closestName('fliter', types)).toBe('filter');
    expect(closestName('mapp', types)).toBe('map');
  });

  it('counts swapped neighbours as one slip', () => {
    expect(closestName('kyes', ['keys', 'count'])).toBe('keys');
  });

  it('matches a full dotted type by its last segment, ignoring case', () => {
    expect(closestName('Generator', types)).toBe('source.generator');
    expect(closestName('sqlite', types)).toBe('sink.sqlite');
  });

  it('suggests nothing when nothing is close', () => {
    expect(closestName('kafka', types)).toBeNull();
    expect(closestName('x', [])).toBeNull();
  });

  it('gives no hint for a name far longer than any candidate, without computing its distance', () => {
    // A 2 MB type name took 84 s and 1.2 GB here before names were bounded (issue 10).
    expect(closestName('map'.repeat(700_000), types)).toBeNull();
    expect(closestName(`source.${'x'.repeat(60)}`, types)).toBeNull();
  });
});
