/** How many restarts a run may take, and over what window (Erlang/OTP: intensity, period). */
export interface RestartLimits {
  /** Restarts allowed within any window of `windowMs`. */
  restarts: number;
  /** The window, ms. */
  windowMs: number;
}

/** 3 restarts in 10 minutes: a run that fails more often than that is not going to recover. */
export const DEFAULT_RESTART_LIMITS: RestartLimits = { restarts: 3, windowMs: 10 * 60_000 };

/** The first restart waits this long; each further one within the window twice as long. */
const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5000;

/**
 * A restart budget that refills, as a supervisor's restart intensity does: at most
 * `restarts` restarts within any `windowMs`. A run that crashes once a day for a week keeps
 * running; one that crashes four times in a minute fails and says so.
 */
export class RestartBudget {
  /** Wall times of the restarts taken within the window, oldest first. */
  private readonly recent: number[] = [];
  /** Every restart taken, for the run's metrics. */
  total = 0;

  constructor(
    readonly limits: RestartLimits = DEFAULT_RESTART_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take one restart; false when the window already holds `restarts` of them. */
  take(): boolean {
    const now = this.now();
    this.forget(now);
    if (this.recent.length >= this.limits.restarts) return false;
    this.recent.push(now);
    this.total++;
    return true;
  }

  /** Restarts within the window now. */
  get used(): number {
    this.forget(this.now());
    return this.recent.length;
  }

  /** How long to wait before the restart just taken: doubling with each one in the window. */
  backoffMs(): number {
    return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, this.used - 1));
  }

  /** "3 restarts within 10 min", for the reason a run gave up. */
  describe(): string {
    const { restarts, windowMs } = this.limits;
    const s = windowMs / 1000;
    const window = s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${+s.toFixed(1)} s`;
    return `${restarts} restart${restarts === 1 ? '' : 's'} within ${window}`;
  }

  private forget(now: number): void {
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - this.limits.windowMs) this.recent.shift();
  }
}
