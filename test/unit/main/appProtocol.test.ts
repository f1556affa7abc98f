import { describe, expect, it } from 'vitest';
import { APP_URL, mimeTypeOf, resolveAppFile } from '../../../main/appProtocol.js';

const ROOT = '/opt/sluice/dist/renderer';

describe('resolveAppFile', () => {
  it('maps app URLs to files under the renderer folder, the root to index.html', () => {
    expect(resolveAppFile(APP_URL, ROOT)).toBe(`${ROOT}/index.html`);
    expect(resolveAppFile('app://sluice/', ROOT)).toBe(`${ROOT}/index.html`);
    expect(resolveAppFile('app://sluice/assets/index-abc.js?v=1#x', ROOT)).toBe(`${ROOT}/assets/index-abc.js`);
    expect(resolveAppFile('app://sluice/assets/my%20font.woff2', ROOT)).toBe(`${ROOT}/assets/my font.woff2`);
  });

  it('refuses other hosts and schemes, encoded escapes, backslashes, NUL and malformed escapes', () => {
    expect(resolveAppFile('app://other/index.html', ROOT)).toBeNull();
    expect(resolveAppFile('https://sluice/index.html', ROOT)).toBeNull();
    expect(resolveAppFile('app://sluice/..%2F..%2Fsecret', ROOT)).toBeNull();
    expect(resolveAppFile('app://sluice/..%5C..%5Csecret', ROOT)).toBeNull();
    expect(resolveAppFile('app://sluice/a%00.js', ROOT)).toBeNull();
    expect(resolveAppFile('app://sluice/%E0%A4%A', ROOT)).toBeNull();
    expect(resolveAppFile('::', ROOT)).toBeNull();
  });

  it('does not treat a sibling folder sharing the prefix as inside', () => {
    expect(resolveAppFile('app://sluice/..%2Frenderer-evil%2Fx.js', ROOT)).toBeNull();
  });
});

describe('mimeTypeOf', () => {
  it('gives module scripts a JavaScript type, which Chromium requires', () => {
    expect(mimeTypeOf('/x/index-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('/x/INDEX.HTML')).toBe('text/html; charset=utf-8');
    expect(mimeTypeOf('/x/blob.bin')).toBe('application/octet-stream');
  });
});
