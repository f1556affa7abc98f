/**
 * Pass 5: put tasks on workers. Greedy: heaviest task first onto the least loaded worker, so
 * parallel instances of one node land on different cores. Weight is instance count (a task of
 * four fused operators costs more than one of one).
 */
export function placeTasks(taskWeights: readonly number[], workers: number): number[] {
  const load = new Array<number>(workers).fill(0);
  const placement = new Array<number>(taskWeights.length).fill(0);
  const order = taskWeights.map((w, i) => ({ w, i })).sort((x, y) => y.w - x.w || x.i - y.i);
  for (const { w, i } of order) {
    let best = 0;
    for (let k = 1; k < workers; k++) if ((load[k] as number) < (load[best] as number)) best = k;
    placement[i] = best;
    load[best] = (load[best] as number) + w;
  }
  return placement;
}
