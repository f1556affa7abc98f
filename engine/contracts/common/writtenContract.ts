/**
 * What a sink's target records of the contracts written into it (see
 * `contracts/node/writtenContracts.ts` and `checkWrittenContracts`).
 */

/** The table of contracts written, beside a sink's table (SQLite and PostgreSQL). */
export const CONTRACTS_TABLE = '_sluice_contracts';
/** The header a NATS sink with a contract puts on each message. */
export const CONTRACT_HEADER = 'Sluice-Contract';

/** One contract version a target holds events of. */
export interface WrittenContract {
  /** `orders@1`. */
  contract: string;
  /** When a sink first and last opened the target with it (ms since the epoch). */
  firstAt: number;
  lastAt: number;
}
