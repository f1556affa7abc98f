import { UserError } from '../contract/index.js';

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  flags: Record<string, string | true>;
}

/**
 * `sluice <command> [positionals] [--flag value | --flag]`. `known` lists each flag and
 * whether it takes a value; anything else is a UserError naming the flag.
 */
export function parseArgs(argv: readonly string[], known: Record<string, 'value' | 'switch'>): ParsedArgs {
  const [command, ...rest] = argv;
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const kind = known[name];
    if (!kind) throw new UserError(`unknown option --${name}`);
    if (kind === 'switch') {
      flags[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
    if (value === undefined || value.startsWith('--')) throw new UserError(`--${name} needs a value`);
    flags[name] = value;
  }
  return { command, positionals, flags };
}

/** A flag that must be a whole number ≥ 0. */
export function intFlag(flags: ParsedArgs['flags'], name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < 0)
    throw new UserError(`--${name} must be a whole number, not "${String(v)}"`);
  return n;
}
