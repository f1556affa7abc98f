import type { Problem } from '../../engine/contract/problem.js';

/** The problems of what the inspector shows (a node, an edge, the graph), worst first as given. */
export function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="inspector-problems">
      {problems.map((p, i) => (
        <li key={i} className={p.severity}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}
