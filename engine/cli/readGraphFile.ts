import { readFileSync } from 'node:fs';
import type { GraphFile } from '../contract/index.js';
import { loadGraph } from '../graph/loadGraph.js';

/** Read and load a graph file: the graph, or one sentence saying why it cannot be read. */
export function readGraphFile(path: string): { ok: true; graph: GraphFile } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      error: `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (code ?? String(err))}`,
    };
  }
  const loaded = loadGraph(text);
  return loaded.ok ? { ok: true, graph: loaded.graph } : { ok: false, error: `${path}: ${loaded.error}` };
}
