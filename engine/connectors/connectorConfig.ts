/** Reading a connector node's config (already validated against its descriptor, defaults applied). */

export function textOf(config: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const v = config[field];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function numberOf(config: Readonly<Record<string, unknown>>, field: string, fallback: number): number {
  const v = config[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** `connectTimeoutMs` (the descriptor's default is 10 s). */
export function startTimeoutOf(config: Readonly<Record<string, unknown>>): number {
  return numberOf(config, 'connectTimeoutMs', 10_000);
}
