import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import { inputHandle, outputHandle, portsOf } from '../graph/portsOf.js';
import type { SluiceFlowNode } from '../store/selectors.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { NodeAlertBadge } from './AlertBadges.js';
import { NodeDebugToggle } from './NodeDebugToggle.js';
import { NodeLiveBadges } from './NodeLiveBadges.js';
import { ConnectionBadge } from './ConnectionBadge.js';

/**
 * One node on the canvas: category stripe, title, label, every port as a named handle, and a
 * problem marker whose messages show on hover, and live counters during a run. Memoised: it re-renders only when its own graph
 * node, selection or problems change (see selectFlowNodes).
 */
export const SluiceNode = memo(function SluiceNode({ data, selected }: NodeProps<SluiceFlowNode>) {
  const { node, problems } = data;
  const descriptor = nodeRegistry.get(node.type);
  const ports = portsOf(node, descriptor);
  const rows = Math.max(ports.inputs.length, ports.outputs.length);
  const errors = problems?.filter((p) => p.severity === 'error').length ?? 0;
  // Only notes (a check that could not be made): a quiet marker, no warning colour.
  const onlyInfo = problems?.every((p) => p.severity === 'info') ?? false;
  const category = descriptor?.category ?? 'unknown';
  const label = typeof node.label === 'string' && node.label ? node.label : node.id;
  // Booleans, so a metrics frame re-renders the node only when they flip.
  const bottleneck = useEditorStore((s) => s.bottleneck?.nodeId === node.id);
  const failed = useEditorStore((s) => s.frame?.nodes[node.id]?.status === 'failed');
  return (
    <div
      className={`sl-node cat-${category}${selected ? ' selected' : ''}${errors ? ' has-error' : problems && !onlyInfo ? ' has-warning' : ''}${bottleneck ? ' bottleneck' : ''}${failed ? ' failed' : ''}`}
      data-testid={`node-${node.id}`}
      data-node-type={node.type}
      data-disabled={node.disabled === true ? '' : undefined}
    >
      <div className="sl-node-head">
        <span className="sl-node-title">{label}</span>
        <NodeAlertBadge nodeId={node.id} />
        <NodeDebugToggle nodeId={node.id} pinned={Array.isArray(node.pinned)} />
        {problems && (
          <span
            className={`sl-node-problem ${errors ? 'error' : onlyInfo ? 'info' : 'warning'}`}
            data-testid={`node-problem-${node.id}`}
            tabIndex={0}
          >
            {errors ? '!' : onlyInfo ? 'i' : '?'}
            <span className="sl-node-tip" role="tooltip">
              {problems.map((p, i) => (
                <span key={i}>{p.message}</span>
              ))}
            </span>
          </span>
        )}
      </div>
      <div className="sl-node-type">{descriptor ? descriptor.title : `Unknown type ${node.type}`}</div>
      {rows > 0 && (
        <div className="sl-node-ports">
          {Array.from({ length: rows }, (_, i) => {
            const input = ports.inputs[i];
            const output = ports.outputs[i];
            return (
              <div className="sl-port-row" key={i}>
                <div className="sl-port in">
                  {input !== undefined && (
                    <>
                      <Handle
                        type="target"
                        position={Position.Left}
                        id={inputHandle(input)}
                        data-testid={`handle-${node.id}-in-${input}`}
                      />
                      <span>{input}</span>
                    </>
                  )}
                </div>
                <div className={`sl-port out${output === 'error' || output === 'late' ? ' special' : ''}`}>
                  {output !== undefined && (
                    <>
                      <span>{output}</span>
                      <Handle
                        type="source"
                        position={Position.Right}
                        id={outputHandle(output)}
                        data-testid={`handle-${node.id}-out-${output}`}
                      />
                    </>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      )}
      <ConnectionBadge nodeId={node.id} />
      <NodeLiveBadges nodeId={node.id} watermarked={EVENT_TIME_TYPES.has(node.type)} />
    </div>
  );
});

/** Nodes that hold a watermark of their own (SPEC §12): their badges show it and the late count. */
const EVENT_TIME_TYPES: ReadonlySet<string> = new Set(['window', 'reorder', 'join']);
