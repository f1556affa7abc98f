import type { RunEvent } from '../engine/index.js';
import type { MenuCommand } from './menuTemplate.js';

/**
 * The bridge protocol between the preload and main. Every channel starts with one prefix, so
 * main can refuse anything else outright and a grep finds every message the renderer can send.
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

/** A menu item was chosen; `path` is set when main already asked the user for a file (Open, Import, Open Recent, a file passed on the command line). */
export interface MenuCommandEvent {
  type: 'menuCommand';
  command: MenuCommand;
  path?: string;
}

/** Everything main pushes to the renderer: the engine's run events and the menu's commands. */
export type BridgeEvent = RunEvent | MenuCommandEvent;
