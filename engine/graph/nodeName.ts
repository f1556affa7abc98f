import { shortText } from './shortText.js';

/** `Node "gen"`, or `Node "gen" (Payments)` when it has a label other than its id. Long ones are cut. */
export function nodeName(id: string, label: unknown): string {
  return typeof label === 'string' && label.trim() !== '' && label !== id
    ? `Node "${shortText(id)}" (${shortText(label)})`
    : `Node "${shortText(id)}"`;
}
