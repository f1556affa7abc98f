import fs from 'node:fs';
import nodePath from 'node:path';
import { UserError, type TransactionalFile } from '../contract/operator.js';
import type { SinkCommitLog } from './StateStore.js';

/** What a `FileCommitter` records per commit in the state store. */
export interface FileCommitInfo {
  /** The file's length in bytes once this commit's lines are in. */
  length: number;
}

/**
 * `sink.file`'s exactly-once writer (SPEC §6): the file only ever holds what completed
 * checkpoints committed, and each commit appears once.
 *
 * The state store's record of the last commit (checkpoint id, file length) is the truth; the
 * file is brought in line with it when the committer is constructed:
 *   1. create the file if missing (and fsync its folder, so the new name survives power loss);
 *   2. truncate it to the recorded length (0 when no commit was ever recorded: that includes a
 *      fresh store, so `--fresh` restarts the file empty). Bytes past it came from a commit
 *      whose record did not land;
 *   3. refuse a file shorter than the record: something outside Sluice cut it.
 *
 * Crash cases during `commit(N)` (the runtime re-calls `commit(N)` with the same lines after
 * recovery, from the sink's snapshot in checkpoint N):
 *   - before the append: the file ends at N-1's length; the recommit appends N once;
 *   - after the append (whole, partial or not yet fsynced), before the record: the record still
 *     says N-1, so step 2 cuts N's bytes off and the recommit appends them once;
 *   - after the record: the record says N, so the recommit is skipped.
 */
export class FileCommitter implements TransactionalFile {
  private fd: number;
  private length: number;
  private lastCheckpointId: number;

  /**
   * @param log where commits are recorded (the run's `StateStore`)
   * @param operatorId the sink's stable operator id (one record per sink)
   * @param path absolute path of the output file
   */
  constructor(
    private readonly log: SinkCommitLog,
    private readonly operatorId: string,
    readonly path: string,
  ) {
    const last = log.lastSinkCommit(operatorId);
    const committedLength = last ? lengthOf(last.info, path) : 0;
    this.lastCheckpointId = last?.checkpointId ?? 0;
    const dir = nodePath.dirname(path);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const existed = fs.existsSync(path);
      this.fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
      if (!existed) fsyncDirectory(dir);
    } catch (error) {
      throw new UserError(`cannot open sink file ${path}: ${(error as Error).message}`);
    }
    const size = fs.fstatSync(this.fd).size;
    if (size < committedLength) {
      fs.closeSync(this.fd);
      throw new UserError(
        `sink file ${path} is shorter (${size} bytes) than what Sluice committed (${committedLength} bytes): it was changed outside Sluice; restore it, or run with --fresh to start over`,
      );
    }
    if (size > committedLength) {
      fs.ftruncateSync(this.fd, committedLength);
      fs.fsyncSync(this.fd);
    }
    this.length = committedLength;
  }

  /**
   * Make checkpoint `checkpointId`'s lines durable: one positional write at the committed end,
   * fsync, then the record. A checkpoint id at or below the last recorded one is skipped, so
   * this is idempotent. Empty commits write nothing and record nothing.
   */
  commit(checkpointId: number, lines: readonly string[]): void {
    if (checkpointId <= this.lastCheckpointId || lines.length === 0) return;
    const data = Buffer.from(lines.join('\n') + '\n', 'utf8');
    try {
      // Positional, not O_APPEND: a retry after a failed write overwrites the torn bytes.
      let written = 0;
      while (written < data.length) {
        written += fs.writeSync(this.fd, data, written, data.length - written, this.length + written);
      }
      fs.fsyncSync(this.fd);
    } catch (error) {
      try {
        fs.ftruncateSync(this.fd, this.length);
      } catch {
        /* the next open truncates anyway */
      }
      throw new UserError(
        `cannot write sink file ${this.path} for checkpoint ${checkpointId}: ${(error as Error).message}`,
      );
    }
    const length = this.length + data.length;
    this.log.recordSinkCommit(this.operatorId, checkpointId, { length } satisfies FileCommitInfo);
    this.length = length;
    this.lastCheckpointId = checkpointId;
  }

  /** The last checkpoint whose lines are durable (0: none): where a replay must resume. */
  get lastCommittedCheckpoint(): number {
    return this.lastCheckpointId;
  }

  /** The committed length in bytes. */
  get committedLength(): number {
    return this.length;
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

function lengthOf(info: unknown, path: string): number {
  const length = (info as Partial<FileCommitInfo> | null)?.length;
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw new UserError(
      `the state store's commit record for sink file ${path} is unreadable; run with --fresh to start over`,
    );
  }
  return length;
}

/** Make a new directory entry durable. Not supported on Windows, where NTFS journals it. */
function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* EISDIR/EPERM on Windows */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
