/**
 * The bridge protocol between the preload and main. Every channel starts with one prefix, so
 * main can refuse anything else outright and a grep finds every message the renderer can send.
 * What travels on them is declared once in engine/contract/DesktopApi.ts (`BRIDGE_API`,
 * `BridgeEvent`).
 */
export const CHANNEL_PREFIX = 'sluice:';
/** Renderer → main: `invoke(CALL_CHANNEL, method, args)`, answered with a `CallResult`. */
export const CALL_CHANNEL = `${CHANNEL_PREFIX}call`;
/** Main → renderer: one `BridgeEvent` per message. */
export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;

/**
 * What a call resolves to over IPC. Errors travel as data because Electron rewrites a thrown
 * error's message ("Error invoking remote method …"), and the user should read our sentence.
 */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: string };
