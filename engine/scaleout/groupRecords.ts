/**
 * The records a group keeps in JetStream KV (issue 15), as JSON. Small on purpose: every member
 * watches the group bucket, so each heartbeat reaches every member.
 */

/** `config`: fixed by the first member; every later member must agree. */
export interface GroupConfig {
  partitions: number;
  createdAt: number;
}

/** A partition as its owner reports it in its heartbeat. */
export interface PartitionReport {
  /** Events in the partition's input not yet processed (the broker's pending count), if known. */
  lag?: number | null;
  /** The partition's latest checkpoint id, if any. */
  checkpointId?: number | null;
}

/** `member.<id>`: a member's heartbeat, rewritten every heartbeat period. */
export interface MemberRecord {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  /** Wall-clock ms of the writer when it wrote this (for people; expiry uses server time). */
  renewedAt: number;
  /** The member is alive while the server time is within this much of the entry's timestamp. */
  ttlMs: number;
  /** True while it hands its partitions over before leaving: it gets no new ones. */
  leaving: boolean;
  partitions: Array<{ partition: number; epoch: number } & PartitionReport>;
}

/** `lease.<p>`: who owns partition p, under which epoch. */
export interface LeaseRecord {
  /** The owner's member id; null once released (the epoch stays, so the next owner's is higher). */
  owner: string | null;
  /** Raised by one on every change of owner: the fencing token of the partition's writes. */
  epoch: number;
  renewedAt: number;
  ttlMs: number;
  /** Writer's wall clock + TTL, for people and `sluice group`; takeover judges by server time. */
  expiresAt: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeRecord(value: unknown): Uint8Array {
  return enc.encode(JSON.stringify(value));
}

/** The record in an entry, or null for one that is not JSON (written by something else). */
export function decodeRecord(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(dec.decode(bytes)) as unknown;
  } catch {
    return null;
  }
}

/**
 * True for JetStream's "wrong last sequence" (10071): a compare-and-swap lost because the key
 * changed since the revision the writer had.
 */
export function isCasConflict(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number } } | null;
  return e?.api_error?.err_code === 10071;
}
