import type {
  BrokerReader,
  BrokerReaderOptions,
  BrokerWriter,
  BrokerWriterOptions,
  ConnectorKind,
} from '../contract/connector.js';
import type { Outbox } from './Outbox.js';

/** What the runtime gives a connector besides the node's options. */
export interface ConnectorEnv {
  /** The node, for messages: `source.nats "orders"`. */
  node: string;
  /**
   * Stable per sink instance and state store (operator id and instance index): the key of its
   * outbox rows and of commit records in external systems (PostgreSQL's `_sluice_commits`).
   */
  sinkId: string;
  /** The state store's lineage id (external commit records tell `--fresh` runs apart by it). */
  storeId: string;
  /** The sink's outbox: in the state store when the run has one, else in memory. */
  outbox(): Outbox;
}

/**
 * One platform's connector (SPEC §10), Node side. Adding a platform is one file exporting one
 * of these and one line in `connectorRegistry`.
 */
export interface ConnectorFactory {
  kind: ConnectorKind;
  openReader?(options: BrokerReaderOptions, env: ConnectorEnv): BrokerReader;
  openWriter?(options: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter;
  /**
   * "Test connection": open one connection to `url` with the connector's own client and
   * options, check `target` where the platform can (see `TestConnectionRequest`), then close
   * it. Rejects with the failure (a `ConnectorError` where understood); may resolve with a
   * remark for the user.
   */
  probe?(url: string, timeoutMs: number, target?: string): Promise<string | void>;
}
