import { describe, expect, it } from 'vitest';
import { buildCsp, withCsp } from '../../../main/csp.js';

describe('buildCsp', () => {
  it('joins directives as a header value, default-src first', () => {
    expect(buildCsp({ 'default-src': ["'none'"], 'img-src': ["'self'", 'data:'] })).toBe(
      "default-src 'none'; img-src 'self' data:",
    );
    expect(buildCsp().startsWith("default-src 'none'; script-src 'self';")).toBe(true);
  });
});

describe('withCsp', () => {
  it('replaces any policy the response had, whatever its letter case, and keeps other headers', () => {
    const out = withCsp({ 'content-security-policy': 'script-src *', 'Content-Type': 'text/html', 'X-A': ['1', '2'] });
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'X-A': ['1', '2'], 'Content-Security-Policy': [buildCsp()] });
  });

  it('adds the policy to a response that had no headers', () => {
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [buildCsp()] });
  });
});
