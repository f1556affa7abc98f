import { UserError } from '../contract/operator.js';

/**
 * The state store holds bytes that do not match what was written (a failed checksum, a damaged
 * SQLite page). Never answered by starting fresh on our own: the user decides (`--fresh`).
 */
export class CorruptStateError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptStateError';
  }
}

/**
 * A checkpoint could not be made durable (disk full, I/O error, database busy). The transaction
 * was rolled back, so the previous checkpoint is intact and the run may retry or stop.
 */
export class CheckpointWriteError extends UserError {
  constructor(
    message: string,
    /** The SQLite error code (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`, …) or `UNKNOWN`. */
    readonly code: string,
    /** True when waiting may help (full disk, busy database); false for I/O errors. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'CheckpointWriteError';
  }
}

/** A short human reason for a SQLite error code, for one-line messages. */
export function describeSqliteCode(code: string): string {
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code.startsWith('SQLITE_IOERR')) return 'an I/O error';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'the database is busy';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY')) return 'the database is read-only';
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) return 'the database is corrupt';
  if (code === 'SQLITE_NOTADB') return 'the file is not a SQLite database';
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN')) return 'the file cannot be opened';
  return 'a database error';
}

/** The `code` of a better-sqlite3 `SqliteError`, or `UNKNOWN`. */
export function sqliteCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}
