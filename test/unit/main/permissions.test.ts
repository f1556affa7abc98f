import { describe, expect, it } from 'vitest';
import { ALLOWED_PERMISSIONS, decidePermission } from '../../../main/permissions.js';

const APP = 'app://sluice/index.html';

describe('decidePermission', () => {
  it('grants only clipboard writes, and only to the app origin', () => {
    expect(ALLOWED_PERMISSIONS).toEqual(['clipboard-sanitized-write']);
    expect(decidePermission('clipboard-sanitized-write', 'app://sluice', APP)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'app://sluice/index.html', APP)).toBe(true);
    expect(decidePermission('clipboard-read', 'app://sluice', APP)).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', 'app://other', APP)).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', 'garbage', APP)).toBe(false);
  });
});
