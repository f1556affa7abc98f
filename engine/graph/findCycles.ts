/**
 * Every cycle's nodes, one list per strongly connected component that loops (two or more nodes,
 * or one node with an edge to itself). Each list is one concrete loop through the component, in
 * edge order, starting at the component's first node in `nodeIds` order: ["a", "b", "c"] means
 * a → b → c → a.
 *
 * 1. Tarjan's algorithm finds the strongly connected components.
 * 2. In each looping component, a breadth-first search from its first node back to itself finds
 *    a shortest loop to name in the message.
 */
export function findCycles(nodeIds: readonly string[], edges: ReadonlyArray<{ from: string; to: string }>): string[][] {
  const successors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const e of edges) {
    if (successors.has(e.to)) successors.get(e.from)?.push(e.to);
  }
  const order = new Map(nodeIds.map((id, i) => [id, i]));
  return stronglyConnected(nodeIds, successors)
    .filter((c) => c.length > 1 || successors.get(c[0]!)!.includes(c[0]!))
    .map((component) => {
      const members = new Set(component);
      const start = [...component].sort((a, b) => order.get(a)! - order.get(b)!)[0]!;
      return shortestLoop(start, members, successors);
    })
    .sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
}

function stronglyConnected(nodeIds: readonly string[], successors: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative, so a long chain of nodes cannot overflow the call stack.
  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = successors.get(frame.node)!;
      if (frame.next < succ.length) {
        const w = succ[frame.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

function shortestLoop(start: string, members: Set<string>, successors: Map<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  // An index into the queue, not shift(), which is linear in the queue's length.
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const next of successors.get(node)!) {
      if (!members.has(next)) continue;
      if (next === start) {
        const loop = [node];
        while (loop[loop.length - 1] !== start) loop.push(cameFrom.get(loop[loop.length - 1]!)!);
        return loop.reverse();
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}
