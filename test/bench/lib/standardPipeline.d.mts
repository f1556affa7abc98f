export const KEYS: number;
export type PipelineSink = 'none' | 'file' | 'sqlite';
export function pipelineGraph(count: number, sink: PipelineSink): object;
export function plainPipeline(
  count: number,
  sink: PipelineSink,
  outPath?: string,
): { eventsPerSec: number; cpuSeconds: number; outputs: number; checksum: number };
