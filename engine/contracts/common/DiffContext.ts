import { COMPATIBLE_CHANGES, type Difference, type DifferenceType } from './Difference.js';
import type { JsonSchema } from '../../contract/eventSchema.js';

/**
 * Where a comparison is (a path in the schema) and what it found. Sub-contexts try a
 * comparison whose findings are kept only if it turns out compatible (the branches of a
 * `oneOf`), as Confluent's `Context.getSubcontext` does.
 */
export class DiffContext {
  readonly differences: Difference[] = [];

  private constructor(
    private readonly path: string[],
    /** Pairs of (original, update) schema objects being compared further up: a `$ref` cycle. */
    private readonly inProgress: Map<object, Set<object>>,
  ) {}

  static root(): DiffContext {
    return new DiffContext([], new Map());
  }

  /** A fresh context at the same place, sharing the cycle guard. */
  sub(): DiffContext {
    return new DiffContext([...this.path], this.inProgress);
  }

  /** Run `f` one path segment (or several, `"items/2"`) further down. */
  within<T>(segment: string, f: () => T): T {
    const parts = segment.split('/');
    this.path.push(...parts);
    try {
      return f();
    } finally {
      this.path.length -= parts.length;
    }
  }

  /** Record a difference here, or at `segment` below here. */
  add(type: DifferenceType, segment?: string, values?: Pick<Difference, 'from' | 'to' | 'because'>): void {
    const path = segment === undefined ? this.path : [...this.path, segment];
    this.differences.push({ type, path: `#/${path.join('/')}`, ...values });
  }

  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences);
  }

  isCompatible(): boolean {
    return this.differences.every((d) => COMPATIBLE_CHANGES.has(d.type));
  }

  /**
   * Run `f` unless this pair of schemas is already being compared further up (a recursive
   * `$ref`): then the pair counts as compatible, the assumption that makes recursion end.
   * Confluent additionally iterates to a fixpoint to undo a wrong assumption across branches;
   * recursive contracts whose only break hides behind such a cycle are not caught here.
   */
  guard(original: JsonSchema, update: JsonSchema, f: () => void): void {
    if (typeof original !== 'object' || typeof update !== 'object') return f();
    let seen = this.inProgress.get(original);
    if (seen?.has(update)) return;
    if (!seen) this.inProgress.set(original, (seen = new Set()));
    seen.add(update);
    try {
      f();
    } finally {
      seen.delete(update);
    }
  }
}
