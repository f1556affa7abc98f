import type { GraphNode } from '../../engine/contract/graphFile.js';
import { connectorKindOfNode, effectiveUrl } from '../graph/connectionEdits.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { TestConnectionButton } from './TestConnectionButton.js';

/** "Test connection" under a connector node's form, for its `url` (a connection name resolved). */
export function NodeConnectionTest({ node }: { node: GraphNode }) {
  const kind = connectorKindOfNode(node);
  const raw = typeof node.config?.url === 'string' ? node.config.url : '';
  const url = useEditorStore((s) => effectiveUrl(s.graph, raw));
  if (!kind) return null;
  return <TestConnectionButton kind={kind} url={url} testId="node-test-connection" />;
}
