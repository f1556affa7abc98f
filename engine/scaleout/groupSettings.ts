/**
 * Lease TTL, heartbeat and hang timeout of a group member from the environment
 * (`SLUICE_LEASE_TTL_MS`, `SLUICE_HEARTBEAT_MS`, `SLUICE_HANG_TIMEOUT_MS`): operators and tests
 * tune them, for `sluice run --group` and the editor's "Run as group member" alike.
 */
export function groupLeaseTimes(env: NodeJS.ProcessEnv): {
  leaseTtlMs?: number;
  heartbeatMs?: number;
  hangTimeoutMs?: number;
} {
  const out: { leaseTtlMs?: number; heartbeatMs?: number; hangTimeoutMs?: number } = {};
  const ttl = Number(env['SLUICE_LEASE_TTL_MS']);
  if (Number.isFinite(ttl) && ttl > 0) out.leaseTtlMs = ttl;
  const hb = Number(env['SLUICE_HEARTBEAT_MS']);
  if (Number.isFinite(hb) && hb > 0) out.heartbeatMs = hb;
  const hang = Number(env['SLUICE_HANG_TIMEOUT_MS']);
  if (Number.isFinite(hang) && hang > 0) out.hangTimeoutMs = hang;
  return out;
}
