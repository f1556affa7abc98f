/** `Node "gen"`, or `Node "gen" (Payments)` when it has a label other than its id. */
export function nodeName(id: string, label: unknown): string {
  return typeof label === 'string' && label.trim() !== '' && label !== id ? `Node "${id}" (${label})` : `Node "${id}"`;
}
