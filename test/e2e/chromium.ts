/**
 * Which Chromium the end-to-end tests drive, and how. Debian's chromium by default (never a
 * downloaded browser); SLUICE_CHROMIUM points elsewhere on a machine that has another.
 * The flags keep a sandboxed machine's closed network from being hammered (TOOLCHAIN.md).
 */
export const CHROMIUM_PATH = process.env.SLUICE_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
