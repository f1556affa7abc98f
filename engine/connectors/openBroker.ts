import type { BrokerReader, BrokerReaderOptions, BrokerWriter, BrokerWriterOptions } from '../contract/connector.js';
import { UserError } from '../contract/operator.js';
import type { ConnectorEnv } from './ConnectorFactory.js';
import { connectorRegistry } from './connectorRegistry.js';

/** A source's connection of `options.kind`, from the registry. */
export function openBrokerReader(options: BrokerReaderOptions, env: ConnectorEnv): BrokerReader {
  const open = connectorRegistry.get(options.kind)?.openReader;
  if (!open) throw new UserError(`${env.node}: this build has no ${options.kind} source connector`);
  return open(options, env);
}

/** A sink's connection of `options.kind`, from the registry. */
export function openBrokerWriter(options: BrokerWriterOptions, env: ConnectorEnv): BrokerWriter {
  const open = connectorRegistry.get(options.kind)?.openWriter;
  if (!open) throw new UserError(`${env.node}: this build has no ${options.kind} sink connector`);
  return open(options, env);
}
