import type { GraphNode } from '../../engine/contract/graphFile.js';
import { connectorKindOfNode, effectiveUrl } from '../graph/connectionEdits.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { TestConnectionButton } from './TestConnectionButton.js';

/**
 * "Test connection" under a connector node's form, for its `url` (a connection name resolved)
 * and what the server can check: a RabbitMQ node's queue, an MQTT source's topic filter.
 */
export function NodeConnectionTest({ node }: { node: GraphNode }) {
  const kind = connectorKindOfNode(node);
  const raw = typeof node.config?.url === 'string' ? node.config.url : '';
  const url = useEditorStore((s) => effectiveUrl(s.graph, raw));
  if (!kind) return null;
  const field = kind === 'rabbitmq' ? 'queue' : node.type === 'source.mqtt' ? 'topic' : null;
  const value = field ? node.config?.[field] : undefined;
  const target = typeof value === 'string' && value.trim() !== '' ? value : undefined;
  return <TestConnectionButton kind={kind} url={url} target={target} testId="node-test-connection" />;
}
