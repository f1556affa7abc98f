import { closeSync, openSync, readSync } from 'node:fs';
import type { LineReader } from '../../contract/index.js';
import { UserError } from '../../contract/index.js';

/**
 * Reads complete lines from a byte offset with synchronous reads in 64 KiB chunks (the worker
 * has nothing else to do while it reads). A last line without a newline is returned only at
 * end of file when not following (in follow mode it may still be being written).
 */
export class LineFileReader implements LineReader {
  /** -1 while a file that may be missing (`missingOk`) is not there yet. */
  private fd = -1;
  private readonly chunk = Buffer.allocUnsafe(64 * 1024);
  private pending: Buffer = Buffer.alloc(0);
  /** Byte offset of the first byte of `pending`. */
  private pendingAt: number;
  private readAt: number;

  constructor(
    private readonly path: string,
    fromOffset: number,
    private readonly follow: boolean,
    private readonly missingOk = false,
  ) {
    this.tryOpen();
    this.pendingAt = fromOffset;
    this.readAt = fromOffset;
  }

  /** Open the file; a missing one is an error unless `missingOk` (then it is looked for again). */
  private tryOpen(): boolean {
    try {
      this.fd = openSync(this.path, 'r');
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && this.missingOk) return false;
      throw new UserError(
        code === 'ENOENT' ? `file not found: ${this.path}` : `cannot read ${this.path} (${code ?? String(err)})`,
      );
    }
  }

  read(max: number): { lines: string[]; offset: number; eof: boolean } {
    if (this.fd === -1 && !this.tryOpen()) return { lines: [], offset: this.pendingAt, eof: true };
    const lines: string[] = [];
    let eof = false;
    while (lines.length < max) {
      const nl = this.pending.indexOf(10);
      if (nl >= 0) {
        lines.push(this.pending.toString('utf8', 0, nl).replace(/\r$/, ''));
        this.pending = this.pending.subarray(nl + 1);
        this.pendingAt += nl + 1;
        continue;
      }
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, this.readAt);
      if (n === 0) {
        eof = true;
        if (!this.follow && this.pending.length > 0) {
          lines.push(this.pending.toString('utf8').replace(/\r$/, ''));
          this.pendingAt += this.pending.length;
          this.pending = Buffer.alloc(0);
        }
        break;
      }
      this.readAt += n;
      this.pending = Buffer.concat([this.pending, this.chunk.subarray(0, n)]);
    }
    return { lines, offset: this.pendingAt, eof: eof && this.pending.length === 0 };
  }

  close(): void {
    if (this.fd !== -1) closeSync(this.fd);
  }

  toString(): string {
    return `LineFileReader(${this.path})`;
  }
}
