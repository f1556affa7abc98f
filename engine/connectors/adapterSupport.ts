/**
 * Small helpers the RabbitMQ, MQTT and HTTP adapters share: a URL safe to print, one line for
 * an error, and the reconnect delay (exponential backoff with full jitter, capped).
 */

/** The URL without user and password, for messages and status lines. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/** One line for whatever a client threw or emitted. */
export function errorLine(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown } | null;
  const message = e !== null && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(err);
  const code = e !== null && typeof e === 'object' && typeof e.code === 'string' ? e.code : '';
  const first = (message.split('\n')[0] ?? '').trim();
  if (first !== '') return code !== '' && !first.includes(code) ? `${code}: ${first}` : first;
  return code !== '' ? code : 'unknown error';
}

/** Milliseconds before reconnect attempt `attempt` (1-based): 250 ms doubling to 10 s, full jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(10_000, 250 * 2 ** Math.min(attempt - 1, 10));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
