/** Characters of a user's text that a message quotes at most. */
export const MAX_QUOTED_LENGTH = 80;

/**
 * `text` as a message quotes it: cut to `MAX_QUOTED_LENGTH` characters with "..." at the end.
 * Ids, types, ports and keys come from the graph file, and a hostile one may be megabytes long;
 * messages name it once per problem, so a full quote would multiply it (issue 10, fault 1).
 */
export function shortText(text: string, max = MAX_QUOTED_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** A list of names for a message, `"a", "b"`, with at most `max` of them and a count of the rest. */
export function shortList(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).map((n) => `"${shortText(n)}"`);
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}
