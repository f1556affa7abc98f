import { isAbsolute, resolve } from 'node:path';
import type {
  BrokerReader,
  BrokerReaderOptions,
  BrokerWriter,
  BrokerWriterOptions,
  LineReader,
  OperatorIo,
  TransactionalFile,
  TransactionalTable,
} from '../../contract/index.js';
import type { ConnectorEnv } from '../../connectors/ConnectorFactory.js';
import { openBrokerReader, openBrokerWriter } from '../../connectors/openBroker.js';
import { UserError } from '../../contract/index.js';
import { recordFileContract } from '../../contracts/node/writtenContracts.js';
import { LineFileReader } from './LineFileReader.js';
import { PlainFile } from './PlainFile.js';

export interface NodeIoOptions {
  baseDir: string;
  console(line: string): void;
  notify(title: string, body: string): void;
  /** Without a store: start sink files empty (a fresh run) or append (a restart in this process). */
  truncateFiles: boolean;
  /** Transactional file and table factories backed by the state store, when there is one. */
  openFile?(path: string): TransactionalFile;
  openTable?(path: string | undefined, table: string, mode: 'append' | 'upsert', contract?: string): TransactionalTable;
  /** What connectors get (the instance's sink id, its outbox). */
  connectors: ConnectorEnv;
}

/** The Node implementation of OperatorIo for one worker. */
export class NodeIo implements OperatorIo {
  constructor(private readonly o: NodeIoOptions) {}

  resolvePath(path: string): string {
    return isAbsolute(path) ? path : resolve(this.o.baseDir, path);
  }

  openLineReader(path: string, fromOffset: number, follow: boolean, missingOk = false): LineReader {
    return new LineFileReader(path, fromOffset, follow, missingOk);
  }

  openTransactionalFile(path: string, contract?: string): TransactionalFile {
    const file = this.o.openFile ? this.o.openFile(path) : new PlainFile(path, this.o.truncateFiles);
    // Once open (a fresh run has emptied it): what it holds now is what the record says.
    if (contract !== undefined) recordFileContract(path, contract);
    return file;
  }

  openSqliteTable(
    path: string | undefined,
    table: string,
    mode: 'append' | 'upsert',
    contract?: string,
  ): TransactionalTable {
    if (!this.o.openTable)
      throw new UserError(`sink.sqlite table "${table}" needs a state store, and this run has none`);
    return this.o.openTable(path, table, mode, contract);
  }

  openBrokerReader(options: BrokerReaderOptions): BrokerReader {
    return openBrokerReader(options, this.o.connectors);
  }

  openBrokerWriter(options: BrokerWriterOptions): BrokerWriter {
    return openBrokerWriter(options, this.o.connectors);
  }

  console(line: string): void {
    this.o.console(line);
  }

  notify(title: string, body: string): void {
    this.o.notify(title, body);
  }
}
