import { useEffect, useState } from 'react';

/**
 * Load something now and again every `everyMs` while `live`, and once more when it stops being
 * live (the final checkpoint, the last dead letters). Errors keep the last good value.
 */
export function usePolled<T>(
  load: (() => Promise<T>) | null,
  live: boolean,
  everyMs = 1000,
): { value: T | null; error: string | null; refresh(): void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!load) {
      setValue(null);
      return;
    }
    let cancelled = false;
    const fetchOnce = () =>
      load().then(
        (v) => {
          if (!cancelled) {
            setValue(v);
            setError(null);
          }
        },
        (err: unknown) => {
          if (!cancelled) setError(err instanceof Error ? err.message : String(err));
        },
      );
    void fetchOnce();
    const timer = live ? setInterval(() => void fetchOnce(), everyMs) : null;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
  }, [load, live, everyMs, tick]);
  return { value, error, refresh: () => setTick((t) => t + 1) };
}
