let cached: boolean | null = null;

/**
 * Whether this page may compile code with `new Function`. The web host and the desktop app
 * forbid it (Content-Security-Policy without 'unsafe-eval'), so the engine's expression checks
 * cannot run in the page there: validation then goes through EngineApi.validate, and the code
 * editor finds syntax errors with its own parser.
 */
export function canEvaluateCode(): boolean {
  if (cached === null) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a probe, never user code
      cached = new Function('return 1')() === 1;
    } catch {
      cached = false;
    }
  }
  return cached;
}
