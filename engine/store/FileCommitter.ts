import fs from 'node:fs';
import nodePath from 'node:path';
import { UserError, type TransactionalFile } from '../contract/operator.js';
import type { SinkCommit, SinkCommitLog } from './stateRecords.js';

/** Which state store and sink committed into a file: `owner.json` in its staging folder. */
interface FileOwner {
  storeId: string;
  sinkId: string;
}

const OWNER_FILE = 'owner.json';

/** What a `FileCommitter` records per commit in the state store. */
export interface FileCommitInfo {
  /** The file's length in bytes once this commit's lines are in. */
  length: number;
}

/**
 * `sink.file`'s exactly-once writer (SPEC §6): the file only ever holds what completed
 * checkpoints committed, and each commit appears once. Two phases:
 *   - `write(lines)` as output arrives appends it to `.<file>.sluice-staged/open` (no fsync);
 *     `stage(N, lines)` at barrier N appends the rest, fsyncs, and renames the segment to `N`,
 *     so checkpoint N completes holding only its id and the barrier costs one fsync;
 *   - `commit(N)` once N is complete appends every staged id ≤ N in order at the committed
 *     end, fsyncs, records (N, length) in the state store, then deletes those staging files.
 *
 * The state store's record of the last commit (checkpoint id, file length) is the truth; the
 * file is brought in line with it when the committer is constructed:
 *   1. create the file if missing (and fsync its folder, so the new name survives power loss);
 *   2. truncate it to the recorded length (0 when no commit was ever recorded: that includes a
 *      fresh store, so `--fresh` restarts the file empty). Bytes past it came from a commit
 *      whose record did not land;
 *   3. refuse a file shorter than the record: something outside Sluice cut it;
 *   4. keep the staging files of ids above the record and up to the restored checkpoint; drop
 *      the others (committed already, or staged by a checkpoint that never completed) and the
 *      open segment (output after the last barrier).
 *
 * Crash cases during `commit(N)` (the runtime calls `commit(N)` again after recovery):
 *   - before the append: the file ends at the last record; the recommit appends once;
 *   - after the append (whole, partial or not yet fsynced), before the record: step 2 cuts
 *     the bytes off, the staging files are still there, and the recommit appends them once;
 *   - after the record, before the staging files are deleted: step 4 deletes them.
 */
export class FileCommitter implements TransactionalFile {
  private fd: number;
  private length: number;
  private lastCheckpointId: number;
  private readonly stagingDir: string;
  /** Checkpoint ids with a staging file on disk, not yet committed. */
  private readonly staged = new Set<number>();
  /** The open staging segment: lines since the last barrier, not yet owned by a checkpoint. */
  private readonly openPath: string;
  private openFd = -1;
  /** `owner.json` in the staging folder: which store and sink committed into the file. */
  private readonly ownerPath: string;
  private ownerWritten = false;
  /** The last seal's fsyncs (see `seal`), settled in order. */
  private sealing: Promise<void> = Promise.resolve();
  private backgroundUsed = false;
  /** The staging folder was created and its name not yet fsynced in its parent. */
  private stagingDirUnsynced = false;

  /**
   * @param log where commits are recorded (the run's `StateStore`)
   * @param operatorId the sink's stable operator id (one record per sink)
   * @param path absolute path of the output file
   * @param discardStagedAfter the checkpoint the run restored (0: a fresh start): staged output
   *   of later checkpoints never completed and is dropped, and a file that shows the store lost
   *   commits is refused (a `UserError`, which the runtime does not retry); undefined keeps every staging file and trusts
   *   the record (tests, tools)
   */
  constructor(
    private readonly log: SinkCommitLog,
    private readonly operatorId: string,
    readonly path: string,
    discardStagedAfter?: number,
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
    this.stagingDir = nodePath.join(dir, `.${nodePath.basename(path)}.sluice-staged`);
    this.openPath = nodePath.join(this.stagingDir, 'open');
    this.ownerPath = nodePath.join(this.stagingDir, OWNER_FILE);
    if (discardStagedAfter !== undefined) {
      // Before anything is cut: a store that lost what it committed must not rewrite the file.
      const lost = this.lostCommits(last, size, committedLength, discardStagedAfter);
      if (lost !== null) {
        fs.closeSync(this.fd);
        throw new UserError(lost);
      }
    }
    if (size > committedLength) {
      fs.ftruncateSync(this.fd, committedLength);
      fs.fsyncSync(this.fd);
    }
    this.length = committedLength;
    // Staged output from earlier attempts: what belongs to a checkpoint that completed waits
    // for its commit; what belongs to a later checkpoint (which never completed) is dropped,
    // and so is anything already committed.
    for (const name of fs.existsSync(this.stagingDir) ? fs.readdirSync(this.stagingDir) : []) {
      if (name === OWNER_FILE) continue;
      const id = Number(name);
      const keep =
        Number.isSafeInteger(id) &&
        id > this.lastCheckpointId &&
        (discardStagedAfter === undefined || id <= discardStagedAfter);
      if (keep) this.staged.add(id);
      else fs.rmSync(nodePath.join(this.stagingDir, name), { force: true });
    }
  }

  /**
   * Pre-commit (phase one): write checkpoint `checkpointId`'s lines to a staging file beside the
   * sink file and fsync it, so the checkpoint can complete holding only its id. Staging of an
   * id already committed is ignored.
   */
  stage(checkpointId: number, lines: readonly string[]): void {
    if (lines.length > 0) this.write(lines);
    if (this.openFd < 0) return; // nothing since the last barrier
    if (checkpointId <= this.lastCheckpointId) {
      // Output of a checkpoint already committed (cannot happen in a run): drop it.
      this.closeOpen(true);
      return;
    }
    try {
      if (this.stagingDirUnsynced) {
        fsyncDirectory(nodePath.dirname(this.stagingDir));
        this.stagingDirUnsynced = false;
      }
      fs.fsyncSync(this.openFd);
      this.closeOpen(false);
      fs.renameSync(this.openPath, nodePath.join(this.stagingDir, String(checkpointId)));
      fsyncDirectory(this.stagingDir);
    } catch (error) {
      throw new UserError(
        `cannot stage output of sink file ${this.path} for checkpoint ${checkpointId}: ${(error as Error).message}`,
      );
    }
    this.staged.add(checkpointId);
  }

  /**
   * `stage` with the fsync on the thread pool: the open segment (with `lines`) is renamed to
   * `checkpointId` at once and a new one opens at the next write, so the operator goes on while
   * the segment's data and the folder entry are fsynced. Seals settle in order (each waits for
   * the one before). Sound after a crash because the checkpoint completes only once the
   * promise resolved: a segment renamed but not yet durable belongs to a checkpoint that never
   * completed, and recovery drops it like any other.
   */
  seal(checkpointId: number, lines: readonly string[]): Promise<void> {
    if (lines.length > 0) this.write(lines);
    if (this.openFd < 0) return this.sealing; // nothing since the last barrier
    if (checkpointId <= this.lastCheckpointId) {
      this.closeOpen(true);
      return this.sealing;
    }
    const fd = this.openFd;
    try {
      fs.renameSync(this.openPath, nodePath.join(this.stagingDir, String(checkpointId)));
    } catch (error) {
      throw new UserError(
        `cannot stage output of sink file ${this.path} for checkpoint ${checkpointId}: ${(error as Error).message}`,
      );
    }
    // The seal owns the descriptor from here (close() leaves it alone).
    this.openFd = -1;
    this.staged.add(checkpointId);
    const dir = this.stagingDir;
    const parentToo = this.stagingDirUnsynced;
    this.stagingDirUnsynced = false;
    this.sealing = this.sealing
      .then(() => fsyncAndClose(fd))
      .then(() => fsyncDirectoryAsync(dir))
      .then(() => (parentToo ? fsyncDirectoryAsync(nodePath.dirname(dir)) : undefined))
      .catch((error: unknown) => {
        throw new UserError(
          `cannot stage output of sink file ${this.path} for checkpoint ${checkpointId}: ${(error as Error).message}`,
        );
      });
    return this.sealing;
  }

  /**
   * Pre-stage lines as they arrive, before the barrier that will own them: appended to the open
   * staging segment without fsync, so the barrier itself only fsyncs and renames it.
   */
  write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    try {
      if (this.openFd < 0) {
        const created = !fs.existsSync(this.stagingDir);
        fs.mkdirSync(this.stagingDir, { recursive: true });
        // Its name is made durable by the seal that first needs it (stage, or seal's background).
        if (created) this.stagingDirUnsynced = true;
        this.openFd = fs.openSync(this.openPath, 'w');
      }
      fs.writeSync(this.openFd, lines.join('\n') + '\n');
    } catch (error) {
      throw new UserError(`cannot write the staging file of sink file ${this.path}: ${(error as Error).message}`);
    }
  }

  private closeOpen(remove: boolean): void {
    if (this.openFd >= 0) fs.closeSync(this.openFd);
    this.openFd = -1;
    if (remove) fs.rmSync(this.openPath, { force: true });
  }

  /**
   * Commit (phase two): append, in order, what every staged checkpoint up to `checkpointId`
   * holds, fsync, record, then remove the staging files. With `lines`, stages them first (one
   * step, for callers that hold the output themselves). Idempotent per checkpoint id.
   */
  commit(checkpointId: number, lines?: readonly string[]): void {
    if (lines) this.stage(checkpointId, lines);
    const ids = [...this.staged].filter((id) => id <= checkpointId).sort((a, b) => a - b);
    const due = ids.filter((id) => id > this.lastCheckpointId);
    if (due.length === 0) {
      this.dropStaged(ids);
      return;
    }
    this.append(checkpointId, due);
    this.dropStaged(ids);
  }

  /**
   * `commit` with its I/O on the thread pool: the staged segments are read, appended at the
   * committed end and fsynced there, then the record lands (on this thread, when the fsync is
   * done) and the segments are removed. Chained after every earlier seal and commit, so the
   * steps and their crash cases are `commit`'s, in the same order; the operator goes on
   * meanwhile. Settles when the commit is recorded.
   */
  commitInBackground(checkpointId: number): Promise<void> {
    this.backgroundUsed = true;
    this.sealing = this.sealing.then(async () => {
      if (this.fd < 0) return; // closed meanwhile: the next open recommits
      const ids = [...this.staged].filter((id) => id <= checkpointId).sort((a, b) => a - b);
      const due = ids.filter((id) => id > this.lastCheckpointId);
      if (due.length > 0) {
        let bytes = 0;
        try {
          for (const id of due) {
            if (this.fd < 0) return;
            bytes += await copyAt(nodePath.join(this.stagingDir, String(id)), this.fd, this.length + bytes);
          }
          if (this.fd < 0) return;
          await fsyncFd(this.fd);
        } catch (error) {
          try {
            if (this.fd >= 0) fs.ftruncateSync(this.fd, this.length);
          } catch {
            /* the next open truncates anyway */
          }
          throw new UserError(
            `cannot write sink file ${this.path} for checkpoint ${checkpointId}: ${(error as Error).message}`,
          );
        }
        if (this.fd < 0) return; // closed before the record: the next open cuts the bytes and recommits
        this.recordAppend(checkpointId, bytes);
      }
      await Promise.all(ids.map((id) => fs.promises.rm(nodePath.join(this.stagingDir, String(id)), { force: true })));
      for (const id of ids) this.staged.delete(id);
    });
    return this.sealing;
  }

  private dropStaged(ids: readonly number[]): void {
    for (const id of ids) {
      fs.rmSync(nodePath.join(this.stagingDir, String(id)), { force: true });
      this.staged.delete(id);
    }
  }

  /** The staged segments `ids` copied in order to the committed end, fsync, then the record. */
  private append(checkpointId: number, ids: readonly number[]): void {
    let bytes = 0;
    try {
      // Positional, not O_APPEND: a retry after a failed write overwrites the torn bytes.
      for (const id of ids)
        bytes += copyAtSync(nodePath.join(this.stagingDir, String(id)), this.fd, this.length + bytes);
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
    this.recordAppend(checkpointId, bytes);
  }

  /** `bytes` more are in the file and durable: record the commit. */
  private recordAppend(checkpointId: number, bytes: number): void {
    const length = this.length + bytes;
    this.log.recordSinkCommit(this.operatorId, checkpointId, { length } satisfies FileCommitInfo);
    this.length = length;
    this.lastCheckpointId = checkpointId;
    if (!this.ownerWritten) this.writeOwner();
  }

  /**
   * Why the state store cannot be trusted with this file, or null. The store's record is the
   * truth about the file, unless the file shows that the store lost records (issue 10, fault 5:
   * an emptied store started over silently, and its sinks repeated what they held):
   *   1. the record names a checkpoint newer than the one the run restored: the store lost
   *      checkpoints that it had committed;
   *   2. with a record: the file holds more than the record plus everything staged. A crash
   *      between a commit's append and its record leaves at most the staged bytes past the
   *      record (the staging files are deleted only after the record lands), so more means
   *      committed output the store has no record of;
   *   3. without a record, a file with content whose `owner.json` (written once the first
   *      record has landed) names this store and sink: the store lost its record;
   *   4. without a record, `owner.json` naming another store, and a run that starts with
   *      nothing restored from a store not made by `--fresh`: the store that committed the
   *      file's content is gone, and starting over would repeat it.
   * Otherwise (no owner: a file Sluice did not write) the file is started over, as ever.
   */
  private lostCommits(last: SinkCommit | null, size: number, committed: number, restored: number): string | null {
    const store = `state store ${this.log.path}`;
    const fresh = 'restore it, or run with --fresh to start over (this empties the file)';
    if (last && last.checkpointId > restored) {
      return `${store} has lost checkpoints: it recorded sink file ${this.path} committed up to checkpoint ${last.checkpointId}, but can restore only ${restored === 0 ? 'none' : `checkpoint ${restored}`}; ${fresh}`;
    }
    if (last) {
      const extra = size - committed - this.stagedBytes(last.checkpointId);
      if (extra <= 0) return null;
      return `${store} has lost commits of sink file ${this.path}: the file holds ${extra} bytes more than the store recorded (${committed} bytes, checkpoint ${last.checkpointId}) and has staged; the store was emptied or damaged; ${fresh}`;
    }
    if (size === 0) return null;
    const owner = this.readOwner();
    if (owner?.storeId === this.log.storeId && owner.sinkId === this.operatorId) {
      return `${store} has no record of the ${size} bytes it committed to sink file ${this.path}: the store was emptied or damaged (a deleted or damaged -wal file?); ${fresh}`;
    }
    if (owner && owner.storeId !== this.log.storeId && restored === 0 && !this.log.createdFresh) {
      return `sink file ${this.path} holds ${size} bytes that Sluice committed with another state store, but ${store} has no checkpoints: the store they were committed with was deleted, emptied or replaced; ${fresh}`;
    }
    return null;
  }

  /** Bytes in the staging files of checkpoints after `after` (what a recommit may append). */
  private stagedBytes(after: number): number {
    let bytes = 0;
    for (const name of fs.existsSync(this.stagingDir) ? fs.readdirSync(this.stagingDir) : []) {
      const id = Number(name);
      if (!Number.isSafeInteger(id) || id <= after) continue;
      try {
        bytes += fs.statSync(nodePath.join(this.stagingDir, name)).size;
      } catch {
        /* removed meanwhile */
      }
    }
    return bytes;
  }

  private readOwner(): FileOwner | null {
    try {
      const owner = JSON.parse(fs.readFileSync(this.ownerPath, 'utf8')) as Partial<FileOwner>;
      return typeof owner.storeId === 'string' && typeof owner.sinkId === 'string'
        ? { storeId: owner.storeId, sinkId: owner.sinkId }
        : null;
    } catch {
      return null;
    }
  }

  /**
   * Mark the file as committed into by this store and sink, once its first record has landed
   * (so a marker with no record means the record was lost). Written aside, fsynced, renamed.
   */
  private writeOwner(): void {
    this.ownerWritten = true;
    const owner = this.readOwner();
    if (owner?.storeId === this.log.storeId && owner.sinkId === this.operatorId) return;
    const aside = `${this.ownerPath}.tmp`;
    try {
      fs.mkdirSync(this.stagingDir, { recursive: true });
      const fd = fs.openSync(aside, 'w');
      try {
        fs.writeSync(fd, JSON.stringify({ storeId: this.log.storeId, sinkId: this.operatorId } satisfies FileOwner));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(aside, this.ownerPath);
      fsyncDirectory(this.stagingDir);
    } catch {
      // Only evidence for a later check: a commit does not fail for want of it.
    }
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
    this.closeOpen(false);
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      // A background commit may still write to it: the descriptor closes once the chain settles
      // (its later steps see fd -1 and stop), so its number is never reused under it.
      const closeFd = (): void => fs.closeSync(fd);
      if (this.backgroundUsed) void this.sealing.then(closeFd, closeFd);
      else closeFd();
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

/** fsync then close a descriptor on the thread pool; closed also when the fsync fails. */
function fsyncAndClose(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.fsync(fd, (error) => {
      fs.close(fd, () => (error ? reject(error) : resolve()));
    });
  });
}

/** `fsyncDirectory` on the thread pool. */
function fsyncDirectoryAsync(dir: string): Promise<void> {
  return new Promise((resolve) => {
    fs.open(dir, 'r', (openError, fd) => {
      if (openError) return resolve(); // EISDIR/EPERM on Windows
      fs.fsync(fd, () => fs.close(fd, () => resolve()));
    });
  });
}

/**
 * A commit copies staged segments through one buffer of this size, reused: a segment holds up
 * to a checkpoint interval of output (60 MB a second in the standard pipeline), and reading it
 * whole took fresh memory for each commit, and as long again to fault it in.
 */
const COPY_CHUNK = 1 << 22;
let copyBuffer: Buffer | null = null;

/** Copy the file at `from` to `fd` from `position` on; returns the bytes copied. */
function copyAtSync(from: string, fd: number, position: number): number {
  const buf = (copyBuffer ??= Buffer.allocUnsafe(COPY_CHUNK));
  const src = fs.openSync(from, 'r');
  try {
    let copied = 0;
    for (;;) {
      const n = fs.readSync(src, buf, 0, buf.length, copied);
      if (n === 0) return copied;
      let written = 0;
      while (written < n) written += fs.writeSync(fd, buf, written, n - written, position + copied + written);
      copied += n;
    }
  } finally {
    fs.closeSync(src);
  }
}

/** `copyAtSync` on the thread pool, with a buffer of its own (a sync commit may run meanwhile). */
async function copyAt(from: string, fd: number, position: number): Promise<number> {
  const buf = Buffer.allocUnsafe(COPY_CHUNK);
  const src = await fs.promises.open(from, 'r');
  try {
    let copied = 0;
    for (;;) {
      const { bytesRead: n } = await src.read(buf, 0, buf.length, copied);
      if (n === 0) return copied;
      let written = 0;
      while (written < n) {
        written += await new Promise<number>((resolve, reject) =>
          fs.write(fd, buf, written, n - written, position + copied + written, (error, w) =>
            error ? reject(error) : resolve(w),
          ),
        );
      }
      copied += n;
    }
  } finally {
    await src.close();
  }
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
}
