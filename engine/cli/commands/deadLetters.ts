import fs from 'node:fs';
import nodePath from 'node:path';
import { UserError } from '../../contract/operator.js';
import { StateStore, type StoredDeadLetter } from '../../store/StateStore.js';
import { formatTable } from './formatTable.js';

export interface DeadLettersOptions {
  /**
   * Also write the failed events to this file, one envelope `{ id, key, time, value }` per
   * line: a `source.file` with `format: jsonl`, `keyField: "key"`, `timeField: "time"` replays
   * them into a graph (each event's value is the envelope; `value.value` is the original).
   */
  jsonl?: string;
}

/** Longest event text shown in the listing; the JSONL output is never cut. */
const MAX_EVENT_CHARS = 120;

/**
 * `sluice dead-letters <db> [--jsonl <file>]`: list every dead letter (id, time, node, attempts,
 * error, event), oldest first. Read-only and lock-free, like `sluice checkpoints`.
 *
 * @returns the exit code: 0 done, 1 the JSONL file could not be written, 2 the store cannot be read
 */
export function deadLettersCommand(
  dbPath: string,
  options: DeadLettersOptions,
  out: (line: string) => void,
  err: (line: string) => void = out,
): number {
  let letters: StoredDeadLetter[];
  let storePath: string;
  try {
    const store = StateStore.open(dbPath, { readonly: true });
    storePath = store.path;
    try {
      letters = store.listDeadLetters();
    } finally {
      store.close();
    }
  } catch (error) {
    err(
      error instanceof UserError
        ? error.message
        : `cannot read state store ${dbPath}: ${(error as Error)?.message ?? String(error)}`,
    );
    return 2;
  }
  if (letters.length === 0) {
    out(`no dead letters in ${storePath}`);
  } else {
    const rows = letters.map((d) => [
      String(d.id),
      new Date(d.time).toISOString(),
      d.nodeId,
      String(d.attempts),
      oneLine(d.error),
      shorten(JSON.stringify(d.event)),
    ]);
    for (const line of formatTable(['id', 'time', 'node', 'attempts', 'error', 'event'], rows, [
      true,
      false,
      false,
      true,
      false,
      false,
    ])) {
      out(line);
    }
  }
  if (options.jsonl !== undefined) {
    const target = nodePath.resolve(options.jsonl);
    const text = letters
      .map((d) => JSON.stringify({ id: d.event.id, key: d.event.key, time: d.event.time, value: d.event.value }) + '\n')
      .join('');
    try {
      fs.writeFileSync(target, text);
    } catch (error) {
      err(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return 1;
    }
    out(`wrote ${letters.length} dead letter${letters.length === 1 ? '' : 's'} to ${target}`);
  }
  return 0;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}

function shorten(text: string): string {
  return text.length <= MAX_EVENT_CHARS ? text : `${text.slice(0, MAX_EVENT_CHARS - 1)}…`;
}
