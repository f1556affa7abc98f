/** Wall-clock ms with sub-ms precision, comparable across worker threads (each has its own timeOrigin). */
export const wallNow = (): number => performance.timeOrigin + performance.now();
