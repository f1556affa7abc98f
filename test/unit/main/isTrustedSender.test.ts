import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../main/isTrustedSender.js';

const APP = 'app://sluice/index.html';

describe('isTrustedSender', () => {
  it('trusts the app page and other pages of the app origin', () => {
    expect(isTrustedSender(APP, APP)).toBe(true);
    expect(isTrustedSender('app://sluice/index.html#/run', APP)).toBe(true);
  });

  it('refuses remote pages, file pages, other hosts of the scheme and missing frames', () => {
    expect(isTrustedSender('https://evil.example/index.html', APP)).toBe(false);
    expect(isTrustedSender('file:///home/u/index.html', APP)).toBe(false);
    expect(isTrustedSender('app://other/index.html', APP)).toBe(false);
    expect(isTrustedSender(undefined, APP)).toBe(false);
    expect(isTrustedSender(null, APP)).toBe(false);
    expect(isTrustedSender('not a url', APP)).toBe(false);
  });

  it('for a file:// app, trusts only the exact page', () => {
    const fileApp = 'file:///opt/sluice/dist/renderer/index.html';
    expect(isTrustedSender(fileApp, fileApp)).toBe(true);
    expect(isTrustedSender('file:///tmp/attacker.html', fileApp)).toBe(false);
  });
});
