import { memo, useLayoutEffect, useRef } from 'react';
import { useEditorStore } from '../store/useEditorStore.js';
import { useLiveScene } from './LiveScene.js';
import { badgeHeight } from './paintLive.js';

/**
 * The room under a node's ports for its live counters: in, out, errors (red when any), dropped,
 * busy share as a bar, state size, and the watermark with its delay behind the newest event on window
 * nodes. The live layer paints them here and keeps this element's aria-label (and, once the run
 * is over, its exact data-in/out/errors) current; React renders it only when a run starts or ends.
 */
export const NodeLiveBadges = memo(function NodeLiveBadges({
  nodeId,
  watermarked,
}: {
  nodeId: string;
  watermarked: boolean;
}) {
  const scene = useLiveScene();
  const live = useEditorStore((s) => s.frame?.nodes[nodeId] !== undefined);
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!live || !el) return;
    scene.setBadge(nodeId, { el, watermarked });
    return () => scene.removeBadge(nodeId, el);
  }, [scene, nodeId, watermarked, live]);
  if (!live) return null;
  return (
    <div
      ref={ref}
      role="img"
      className="sl-node-live"
      style={{ height: badgeHeight(watermarked ? 3 : 2) + 1 }}
      data-testid={`node-live-${nodeId}`}
    />
  );
});
