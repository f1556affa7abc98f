import type { FieldSchema } from '../contract/descriptor.js';

/**
 * The event-time fields every source takes (SPEC §12). The runtime reads them: a source's
 * watermark is the newest event time it emitted minus `watermarkDelayMs`, sent after each
 * batch; quiet for `idleTimeoutMs`, it is idle and stops holding watermarks back downstream.
 */
export const sourceTimeConfig: Readonly<Record<string, FieldSchema>> = {
  watermarkDelayMs: {
    kind: 'number',
    label: 'Watermark delay (ms)',
    doc: 'How far the watermark trails the newest event time emitted, to allow out-of-order events.',
    default: 0,
    min: 0,
  },
  idleTimeoutMs: {
    kind: 'number',
    label: 'Idle timeout (ms)',
    doc: 'After this long without events the source is idle and stops holding watermarks back. Empty: never.',
    min: 1,
  },
};
