/** One validation problem (SPEC §5): where it is, how bad it is, and a sentence a person understands. */
export interface Problem {
  /** `info`: something worth knowing that is no problem, like a check that could not be made. */
  severity: 'error' | 'warning' | 'info';
  /** The node the problem concerns, if any. */
  nodeId?: string;
  /** The edge the problem concerns, if any. */
  edgeId?: string;
  /** The config field the problem concerns, if any (for inline messages in the inspector). */
  field?: string;
  message: string;
}

/** True when the problems include at least one error (warnings do not block a run). */
export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');
