import type { ContractViolation, EventSchema } from '../../contract/eventSchema.js';
import { findSchema, versionsOf } from '../common/findSchema.js';
import { compileContractChecker, type ContractChecker } from './compileContractChecker.js';

/**
 * The run-time checkers of a graph's contracts, each compiled once, on first use (a run compiles
 * only the contracts its nodes and edges name). One per run or per worker; not shared between
 * threads (compiled functions do not cross them).
 */
export class ContractCheckers {
  private readonly compiled = new Map<string, ContractChecker>();

  constructor(private readonly schemas: readonly EventSchema[]) {}

  /** The checker of `ref` (`orders@2`); throws for a contract the graph's schemas do not have. */
  checker(ref: string): ContractChecker {
    let check = this.compiled.get(ref);
    if (!check) {
      const schema = findSchema(this.schemas, ref);
      if (!schema) throw new Error(`no schema ${ref} in the graph's schemas/ folder`);
      check = compileContractChecker(schema);
      this.compiled.set(ref, check);
    }
    return check;
  }

  /** Check one value against `ref`: null when it conforms. */
  check(ref: string, value: unknown): ContractViolation | null {
    return this.checker(ref)(value);
  }

  /**
   * The newest version of contract `name` that `value` conforms to, or null: for events that do
   * not say which version wrote them (a file replayed from the start), before upcasting them.
   */
  detectVersion(name: string, value: unknown): number | null {
    const versions = versionsOf(this.schemas, name);
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i] as EventSchema;
      if (this.checker(v.ref)(value) === null) return v.version;
    }
    return null;
  }
}
