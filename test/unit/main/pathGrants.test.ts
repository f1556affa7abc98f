import { describe, expect, it } from 'vitest';
import { PathGrants } from '../../../main/pathGrants.js';

describe('PathGrants', () => {
  it('allows files inside a granted folder and below it', () => {
    const g = new PathGrants();
    g.grantFileFolder('/home/u/graphs/fraud.sluice.json');
    expect(g.allows('/home/u/graphs/other.sluice.json')).toBe(true);
    expect(g.allows('/home/u/graphs/out/results.jsonl')).toBe(true);
    expect(g.allows('/home/u/graphs')).toBe(true);
  });

  it('refuses siblings, parents, look-alike prefixes, dot-dot escapes and relative paths', () => {
    const g = new PathGrants();
    g.grantFolder('/home/u/graphs');
    expect(g.allows('/home/u/.ssh/id_rsa')).toBe(false);
    expect(g.allows('/home/u')).toBe(false);
    expect(g.allows('/home/u/graphs-evil/x.json')).toBe(false);
    expect(g.allows('/home/u/graphs/../.ssh/id_rsa')).toBe(false);
    expect(g.allows('graphs/a.sluice.json')).toBe(false);
  });

  it('allows nothing before the user opened anything', () => {
    expect(new PathGrants().allows('/tmp/a.sluice.json')).toBe(false);
  });

  it('tells its listener about each new folder once', () => {
    const heard: string[] = [];
    const g = new PathGrants((f) => heard.push(f));
    g.grantFolder('/a');
    g.grantFileFolder('/a/x.sluice.json');
    g.grantFolder('/b/');
    expect(heard).toEqual(['/a', '/b']);
    expect(g.list()).toEqual(['/a', '/b']);
  });
});
