import type { KeyValueStorage } from '../actions/ActionManager.js';

const KEY = 'sluice.trustedCode';
const LIMIT = 500;

/** Code fingerprints the user wrote on this machine or confirmed (SPEC §2), kept in `storage`. */
export function isTrustedCode(storage: KeyValueStorage, fingerprint: string | null): boolean {
  if (fingerprint === null) return true;
  return trusted(storage).includes(fingerprint);
}

export function trustCode(storage: KeyValueStorage, fingerprint: string | null): void {
  if (fingerprint === null) return;
  const list = [fingerprint, ...trusted(storage).filter((f) => f !== fingerprint)].slice(0, LIMIT);
  try {
    storage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Without storage the user is asked again next time, which is the safe side.
  }
}

function trusted(storage: KeyValueStorage): string[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}
