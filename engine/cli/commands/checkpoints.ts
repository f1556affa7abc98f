import { UserError } from '../../contract/operator.js';
import { StateStore } from '../../store/StateStore.js';
import { formatTable } from './formatTable.js';

/**
 * `sluice checkpoints <db>`: one row per stored checkpoint (oldest first) with its start time,
 * duration, size and per-node state sizes. Opens the store read-only and without the lock, so
 * it works while a run is writing.
 *
 * @returns the exit code: 0 listed (also when empty), 2 the store cannot be read
 */
export function checkpointsCommand(
  dbPath: string,
  out: (line: string) => void,
  err: (line: string) => void = out,
): number {
  let store: StateStore;
  try {
    store = StateStore.open(dbPath, { readonly: true });
  } catch (error) {
    err(messageOf(error));
    return 2;
  }
  try {
    const checkpoints = store.listCheckpoints();
    if (checkpoints.length === 0) {
      out(`no checkpoints in ${store.path}`);
      return 0;
    }
    const rows = checkpoints.map((c) => [
      String(c.id),
      new Date(c.startedAt).toISOString(),
      c.durationMs === null ? 'incomplete' : `${Math.round(c.durationMs)} ms`,
      formatBytes(c.bytes),
      Object.entries(c.nodes)
        .map(([node, bytes]) => `${node} ${formatBytes(bytes)}`)
        .join(', '),
    ]);
    for (const line of formatTable(['id', 'started', 'duration', 'bytes', 'state per node'], rows, [
      true,
      false,
      true,
      true,
      false,
    ])) {
      out(line);
    }
    return 0;
  } catch (error) {
    err(messageOf(error));
    return 2;
  } finally {
    store.close();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof UserError) return error.message;
  return `cannot read state store: ${(error as Error)?.message ?? String(error)}`;
}

/** `1234` → `1.2 kB`: decimal units, as `ls -h --si` and most UIs show them. */
function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value.toFixed(1)} ${units[unit]}`;
}
