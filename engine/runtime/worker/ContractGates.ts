import type { ContractViolation, EventSchema, SluiceEvent } from '../../contract/index.js';
import { parseContractRef, UserError } from '../../contract/index.js';
import { versionsOf } from '../../contracts/common/findSchema.js';
import { ContractCheckers } from '../../contracts/node/ContractCheckers.js';
import type { ContractChecker } from '../../contracts/node/compileContractChecker.js';
import { compileUpcastChain, UpcastError } from '../../graph/compileUpcastChain.js';

/** An event a contract refused, and why: the host routes it (error port, else dead letters). */
export type ContractFailed = (e: SluiceEvent, why: ContractViolation, also?: string) => void;

/**
 * What a source's events pass before they leave it: the event to emit (the same object when it
 * conforms, a new one with an upcast value when it was an older version's), or null when it
 * failed (already handed to `ContractFailed`).
 */
export type SourceGate = (e: SluiceEvent) => SluiceEvent | null;

/**
 * A worker's run-time contract checks (SPEC §11), each contract compiled once per worker, when
 * the worker opens (a contract the schemas lack fails the start with a UserError, before any
 * event flows). Three places check:
 * - a source's `contract`: what it emits, upcast from older versions (`sourceGate`);
 * - an edge's `contract`: what the producer routes onto that edge (`check`);
 * - a sink's (or topic's) `contract`: what it receives (`check`).
 */
export class ContractGates {
  private readonly checkers: ContractCheckers;

  constructor(private readonly schemas: readonly EventSchema[]) {
    this.checkers = new ContractCheckers(schemas);
  }

  /** The checker of `ref`, compiled on first use. */
  check(ref: string): ContractChecker {
    try {
      return this.checkers.checker(ref);
    } catch (err) {
      throw new UserError(`contract ${ref}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * The gate of a source whose contract is `name@N`. A value that conforms to `name@N` passes as
   * it is. One that does not is taken for an older version's: the newest earlier version it
   * conforms to (so a value says its version when each schema pins it, e.g. `"v": { "const": 1 }`),
   * upcast along the `upcast` chain to version N, and checked again. A value of no version, or
   * whose upcast throws or yields a value N refuses, fails (the message says why it fits none).
   * The chain is compiled once here.
   */
  sourceGate(ref: string, failed: ContractFailed): SourceGate {
    const check = this.check(ref);
    const wanted = parseContractRef(ref)!;
    const older = versionsOf(this.schemas, wanted.name)
      .filter((s) => s.version < wanted.version)
      .reverse()
      .map((s) => ({ version: s.version, check: this.check(s.ref) }));
    if (older.length === 0) {
      return (e) => {
        const why = check(e.value);
        if (why === null) return e;
        failed(e, why);
        return null;
      };
    }
    const upTo = this.schemas.filter((s) => s.name !== wanted.name || s.version <= wanted.version);
    const chain = compileUpcastChain(upTo, wanted.name);
    return (e) => {
      const why = check(e.value);
      if (why === null) return e;
      for (const o of older) {
        if (o.check(e.value) !== null) continue;
        let value: unknown;
        try {
          value = chain.upcast(e.value, o.version, e);
        } catch (err) {
          const message = err instanceof UpcastError ? err.message : String(err);
          failed(e, { contract: ref, path: '', message });
          return null;
        }
        const after = check(value);
        if (after !== null) {
          failed(e, { ...after, message: `${after.message} (after upcasting a v${o.version} value)` });
          return null;
        }
        return { ...e, value };
      }
      // It fits no version: say why for each, newest first (the value may be an old one).
      const others = older.map((o) => {
        const v = o.check(e.value);
        return v ? `as ${v.contract}: ${v.message} (at ${pointer(v.path)})` : '';
      });
      failed(e, why, others.join('; '));
      return null;
    };
  }
}

/** A refused event's dead-letter sentence: the message, the contract and the field's JSON pointer. */
export function describeViolation(v: ContractViolation, also?: string): string {
  return `${v.contract}: ${v.message} (at ${pointer(v.path)})${also ? `; ${also}` : ''}`;
}

const pointer = (path: string): string => (path === '' ? '/' : path);
