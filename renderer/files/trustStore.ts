const KEY = 'sluice.trustedCode';
const LIMIT = 500;

/** Code fingerprints the user wrote on this machine or confirmed (SPEC §2), kept in localStorage. */
export function isTrustedCode(fingerprint: string | null): boolean {
  if (fingerprint === null) return true;
  return trusted().includes(fingerprint);
}

export function trustCode(fingerprint: string | null): void {
  if (fingerprint === null) return;
  const list = [fingerprint, ...trusted().filter((f) => f !== fingerprint)].slice(0, LIMIT);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Without storage the user is asked again next time, which is the safe side.
  }
}

function trusted(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}
