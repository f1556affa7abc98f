import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TransactionalFile } from '../../contract/index.js';

/**
 * A sink file for runs without a state store (unsaved graphs in the editor, tests): appends and
 * fsyncs what each checkpoint commits, once per checkpoint id within this process. Without a
 * store there is nothing to recover from across processes, so a fresh run truncates the file.
 */
export class PlainFile implements TransactionalFile {
  private readonly fd: number;
  private lastCommitted = -1;

  constructor(path: string, truncate: boolean) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, truncate ? 'w' : 'a');
  }

  commit(checkpointId: number, lines: readonly string[]): void {
    if (checkpointId <= this.lastCommitted) return;
    this.lastCommitted = checkpointId;
    if (lines.length === 0) return;
    writeSync(this.fd, lines.join('\n') + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
