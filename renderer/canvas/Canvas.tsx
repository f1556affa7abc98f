import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type ReactFlowInstance,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, type DragEvent } from 'react';
import { nodeRegistry } from '../../engine/nodes/registry.js';
import { checkConnection } from '../graph/checkConnection.js';
import { addEdge, addNode } from '../graph/graphEdits.js';
import { applyEdgeChanges, applyNodeChanges } from '../store/applyFlowChanges.js';
import { selectFlowEdges, selectFlowNodes, type SluiceFlowEdge, type SluiceFlowNode } from '../store/selectors.js';
import { useEditorStore } from '../store/useEditorStore.js';
import { useEditor } from '../EditorContext.js';
import { LiveEdge } from './LiveEdge.js';
import { EdgeHoverOverlay, LiveLayer } from './LiveLayer.js';
import { AddNoteControl, OrganiseLayer } from './OrganiseLayer.js';
import { LiveScene, LiveSceneContext } from './LiveScene.js';
import { NodeSearch } from './NodeSearch.js';
import { SluiceNode } from './SluiceNode.js';

/** The MIME type the palette puts on a drag, so other drops (files, text) are ignored. */
export const NODE_TYPE_MIME = 'application/x-sluice-node-type';

const nodeTypes = { sluice: SluiceNode };
const edgeTypes = { live: LiveEdge };
const GRID: [number, number] = [16, 16];
const defaultEdgeOptions = { type: 'smoothstep' as const };
const minimapColor = (n: SluiceFlowNode) =>
  n.data.problems?.some((p) => p.severity === 'error') ? '#e5484d' : '#8b93a7';

/** The graph canvas: React Flow in controlled mode over the document in the store. */
export function Canvas({ onInit }: { onInit(flow: ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge>): void }) {
  const { store } = useEditor();
  const minimapOpen = useEditorStore((s) => s.minimapOpen);
  const nodes = useEditorStore(selectFlowNodes);
  const edges = useEditorStore(selectFlowEdges);
  const flowRef = useRef<ReactFlowInstance<SluiceFlowNode, SluiceFlowEdge> | null>(null);
  const scene = useMemo(() => new LiveScene((id) => store.getState().setHoveredEdge(id)), [store]);

  const isValidConnection = useCallback(
    (c: Connection | SluiceFlowEdge) => checkConnection(store.getState().graph, nodeRegistry, c).ok,
    [store],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<SluiceFlowNode>[]) => applyNodeChanges(store.getState(), changes),
    [store],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<SluiceFlowEdge>[]) => applyEdgeChanges(store.getState(), changes),
    [store],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const s = store.getState();
      const check = checkConnection(s.graph, nodeRegistry, c);
      if (!check.ok) {
        s.notify(check.reason, 'error');
        return;
      }
      const { graph, id } = addEdge(s.graph, check.from, check.to);
      s.commitDocument(graph);
      s.select([], [id]);
    },
    [store],
  );

  // React Flow does not call onConnect for a refused drop; say why here.
  const onConnectEnd = useCallback(
    (_e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
      const check = checkConnection(store.getState().graph, nodeRegistry, {
        source: state.fromHandle.nodeId,
        sourceHandle: state.fromHandle.id ?? null,
        target: state.toHandle.nodeId,
        targetHandle: state.toHandle.id ?? null,
      });
      if (!check.ok) store.getState().notify(check.reason, 'error');
    },
    [store],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_TYPE_MIME);
      const flow = flowRef.current;
      if (!type || !flow) return;
      e.preventDefault();
      const s = store.getState();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // Drop so the pointer lands near the node's title, not its corner.
      const { graph, id } = addNode(s.graph, type, { x: p.x - 90, y: p.y - 20 });
      s.commitDocument(graph);
      s.select([id]);
    },
    [store],
  );

  return (
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <LiveSceneContext.Provider value={scene}>
        <ReactFlow<SluiceFlowNode, SluiceFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          defaultEdgeOptions={defaultEdgeOptions}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          connectionMode={ConnectionMode.Loose}
          onInit={(flow) => {
            flowRef.current = flow;
            onInit(flow);
          }}
          // Deletion goes through our action so it is one undo step with the right selection.
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
          snapToGrid
          snapGrid={GRID}
          onlyRenderVisibleElements
          minZoom={0.05}
          maxZoom={2.5}
          // No fitView prop: it would zoom to 250% onto the first dropped node. Opening a file fits instead.
          defaultViewport={{ x: 40, y: 40, zoom: 1 }}
          proOptions={{ hideAttribution: true }}
        >
          <OrganiseLayer />
          <LiveLayer />
          <EdgeHoverOverlay />
          <Background variant={BackgroundVariant.Dots} gap={GRID[0]} size={1.2} color="#c9ced8" />
          {minimapOpen && (
            <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} data-testid="minimap" />
          )}
          <Controls showInteractive={false}>
            <AddNoteControl />
            <ControlButton
              onClick={() => store.getState().setMinimapOpen(!minimapOpen)}
              title={minimapOpen ? 'Hide the minimap' : 'Show the minimap'}
              aria-label={minimapOpen ? 'Hide the minimap' : 'Show the minimap'}
              data-testid="minimap-toggle"
            >
              {minimapOpen ? '▣' : '□'}
            </ControlButton>
          </Controls>
        </ReactFlow>
      </LiveSceneContext.Provider>
      <NodeSearch />
      {nodes.length === 0 && (
        <div className="canvas-empty">
          <strong>Drag a node from the palette to start</strong>
          <span>or open a template from the toolbar</span>
        </div>
      )}
    </div>
  );
}
