import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TransactionalFile } from '../../contract/index.js';

/**
 * A sink file for runs without a state store (unsaved graphs in the editor, tests): stages in
 * memory and appends (with fsync) what each completed checkpoint covers. Without a store there
 * is nothing to recover from across processes, so a fresh run truncates the file.
 */
export class PlainFile implements TransactionalFile {
  private readonly fd: number;
  private readonly staged = new Map<number, readonly string[]>();

  constructor(path: string, truncate: boolean) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, truncate ? 'w' : 'a');
  }

  private open: string[] = [];

  write(lines: readonly string[]): void {
    for (const l of lines) this.open.push(l);
  }

  stage(checkpointId: number, lines: readonly string[]): void {
    this.write(lines);
    if (this.open.length > 0) this.staged.set(checkpointId, this.open);
    this.open = [];
  }

  commit(checkpointId: number): void {
    const ids = [...this.staged.keys()].filter((id) => id <= checkpointId).sort((a, b) => a - b);
    if (ids.length === 0) return;
    const text = ids.map((id) => this.staged.get(id)!.join('\n') + '\n').join('');
    for (const id of ids) this.staged.delete(id);
    writeSync(this.fd, text);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
