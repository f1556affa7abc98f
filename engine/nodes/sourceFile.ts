import type { NodeDescriptor } from '../contract/descriptor.js';
import { sourceTimeConfig } from './sourceTimeConfig.js';
import type { Emitter, LineReader, OperatorContext, PollResult, SourceOperator } from '../contract/operator.js';
import { parseCsvLine } from './parseCsvLine.js';
import { errorMessage } from './userCodeFailed.js';

/** How long a following reader waits at the end of the file before looking again. */
const FOLLOW_POLL_MS = 100;

interface FilePosition {
  /** Byte offset after the last line consumed. */
  offset: number;
  /** Lines consumed (blank and header lines included), so ids stay stable on resume. */
  line: number;
  /** The CSV header, once read. */
  header: string[] | null;
}

/**
 * `source.file`: one event per JSON line or CSV row. Its position is a byte offset plus the
 * line count and CSV header, so a restored run resumes at exactly the next line.
 */
export const sourceFile: NodeDescriptor = {
  type: 'source.file',
  title: 'File',
  category: 'source',
  doc:
    'Reads a JSON Lines or CSV file, one event per line or row (CSV: the first row is the header ' +
    'and unquoted numbers are parsed). The key and event time can come from fields of the value. ' +
    'With `follow` it keeps reading lines appended to the file. Event ids are "<node>-<line number>".',
  config: {
    path: { kind: 'path', label: 'File', doc: 'The file to read; relative to the graph file.', required: true },
    format: {
      kind: 'enum',
      values: ['jsonl', 'csv'],
      label: 'Format',
      doc: 'JSON Lines (one JSON value per line) or CSV with a header row.',
      default: 'jsonl',
    },
    keyField: { kind: 'string', label: 'Key field', doc: 'Field of the value used as the event key. Empty: no key.' },
    timeField: {
      kind: 'string',
      label: 'Time field',
      doc: 'Field of the value holding the event time (ms, or a date string). Empty: the time of reading.',
    },
    follow: {
      kind: 'boolean',
      label: 'Follow',
      doc: 'At the end of the file, wait for more lines instead of ending.',
      default: false,
    },
    missingOk: {
      kind: 'boolean',
      label: 'Missing file: read nothing',
      doc: 'A file that does not exist (yet) reads as empty instead of failing the run, e.g. an event log another graph appends to; with `follow` it is read once it appears.',
      default: false,
    },
    ...sourceTimeConfig,
  },
  ports: () => ({ inputs: [], outputs: ['out'] }),
  runsUserCode: false,
  changesKey: false,
  maxParallelism: 1,
  create: (ctx) => new FileSourceOperator(ctx),
};

class FileSourceOperator implements SourceOperator {
  private newest = Number.NEGATIVE_INFINITY;
  readonly kind = 'source' as const;
  private reader: LineReader | null = null;
  private pos: FilePosition = { offset: 0, line: 0, header: null };
  private readonly path: string;
  private readonly csv: boolean;
  private readonly keyField: string | null;
  private readonly timeField: string | null;
  private readonly follow: boolean;
  private readonly missingOk: boolean;
  private readonly idPrefix: string;

  constructor(private readonly ctx: OperatorContext) {
    const c = ctx.config;
    this.path = String(c.path ?? '');
    this.csv = c.format === 'csv';
    this.keyField = typeof c.keyField === 'string' && c.keyField !== '' ? c.keyField : null;
    this.timeField = typeof c.timeField === 'string' && c.timeField !== '' ? c.timeField : null;
    this.follow = c.follow === true;
    this.missingOk = c.missingOk === true;
    this.idPrefix = ctx.nodeId + '-';
  }

  open(): void {
    this.openReader();
  }

  // Opened lazily too, because the runtime may restore before or after open.
  private openReader(): LineReader {
    this.reader ??= this.ctx.io.openLineReader(
      this.ctx.io.resolvePath(this.path),
      this.pos.offset,
      this.follow,
      this.missingOk,
    );
    return this.reader;
  }

  poll(budget: number, out: Emitter): PollResult {
    const reader = this.openReader();
    const { lines, offset, eof } = reader.read(budget);
    const now = this.ctx.now();
    for (let i = 0; i < lines.length; i++) this.emitLine(lines[i] as string, now, out);
    this.pos.offset = offset;
    if (!eof) return 'more';
    if (!this.follow) return 'end';
    if (lines.length > 0) return 'more';
    this.ctx.setTimer(now + FOLLOW_POLL_MS);
    return 'idle';
  }

  private emitLine(raw: string, now: number, out: Emitter): void {
    const lineNo = ++this.pos.line;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    if (this.csv) {
      const fields = parseCsvLine(line);
      const header = this.pos.header;
      if (header === null) {
        this.pos.header = fields.map(String);
        return;
      }
      const row: Record<string, unknown> = {};
      for (let j = 0; j < header.length; j++) row[header[j] as string] = j < fields.length ? fields[j] : null;
      value = row;
    } else {
      try {
        value = JSON.parse(line);
      } catch (err) {
        this.ctx.deadLetter(
          { id: this.idPrefix + lineNo, key: null, time: now, value: line, emittedAt: now },
          `Line ${lineNo} of ${this.path} is not valid JSON: ${errorMessage(err)}`,
        );
        return;
      }
    }
    const time = this.timeOf(value, now);
    if (time > this.newest) this.newest = time;
    out.emit('out', { id: this.idPrefix + lineNo, key: this.keyOf(value), time, value, emittedAt: now });
  }

  newestTime(): number {
    return this.newest;
  }

  private keyOf(value: unknown): string | null {
    if (this.keyField === null || typeof value !== 'object' || value === null) return null;
    const k = (value as Record<string, unknown>)[this.keyField];
    return k === undefined || k === null ? null : typeof k === 'string' ? k : JSON.stringify(k);
  }

  private timeOf(value: unknown, now: number): number {
    if (this.timeField === null || typeof value !== 'object' || value === null) return now;
    const t = (value as Record<string, unknown>)[this.timeField];
    if (typeof t === 'number' && Number.isFinite(t)) return t;
    if (typeof t === 'string') {
      const parsed = /^\s*-?\d+(\.\d+)?\s*$/.test(t) ? Number(t) : Date.parse(t);
      if (Number.isFinite(parsed)) return parsed;
    }
    return now;
  }

  /** Nothing to do: in follow mode the timer only wakes the runtime to poll again. */
  onTimer(): void {}

  snapshot(): unknown {
    return { offset: this.pos.offset, line: this.pos.line, header: this.pos.header };
  }

  restore(state: unknown): void {
    const s = state as Partial<FilePosition> | null;
    this.pos = {
      offset: typeof s?.offset === 'number' ? s.offset : 0,
      line: typeof s?.line === 'number' ? s.line : 0,
      header: Array.isArray(s?.header) ? s.header.map(String) : null,
    };
    if (this.reader !== null) {
      this.reader.close();
      this.reader = null;
    }
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
  }
}
