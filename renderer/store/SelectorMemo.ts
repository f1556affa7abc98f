/**
 * Per-store memory for selectors that hand back their previous result when nothing they read
 * changed, so React Flow and React see the same objects and skip work. It lives in the store's
 * state (key `memo`), never in module variables: two editors, or two tests, never share a cache.
 */
export class SelectorMemo {
  private readonly slots = new Map<object, unknown>();

  /** The slot that belongs to `owner` (the selector function itself), made by `init` on first use. */
  slot<T>(owner: object, init: () => T): T {
    if (this.slots.has(owner)) return this.slots.get(owner) as T;
    const value = init();
    this.slots.set(owner, value);
    return value;
  }
}
