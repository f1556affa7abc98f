import { StateStore } from '../store/StateStore.js';
import type { PartitionCheckpoint } from './PartitionCheckpoints.js';

/**
 * Make a member's local SQLite store (its cache of a partition's state) start from the
 * checkpoint restored out of JetStream, so the run resumes from it as from any local checkpoint.
 * The cache is rebuilt on every claim: what this member held before the partition moved may be
 * older than what its successor wrote since, and the broker's copy is the one that counts.
 */
export function cachePartitionCheckpoint(statePath: string, cp: PartitionCheckpoint | null): void {
  const store = StateStore.open(statePath, { fresh: true });
  try {
    if (cp) store.writeCheckpoint({ id: cp.checkpointId, startedAt: cp.startedAt, snapshots: cp.snapshots });
  } finally {
    store.close();
  }
}
