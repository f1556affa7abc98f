/**
 * The field a schema path is about, as a person reads it: `#/properties/customer/properties/id`
 * → `customer.id`, `#/properties/lines/items/properties/sku` → `lines[].sku`, `#/required/amount`
 * → `amount`, `#/properties/tags/items/0` → `tags[0]`. Keywords that are not fields (`oneOf/1`,
 * `additionalProperties`) stay as they are, after a slash. The root is `""`.
 */
export function fieldOfPath(path: string): string {
  const segments = path
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '');
  let field = '';
  const dot = (name: string): void => {
    field = field === '' ? name : `${field}.${name}`;
  };
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as string;
    const next = segments[i + 1];
    if ((s === 'properties' || s === 'required' || s === 'dependencies') && next !== undefined) {
      dot(next);
      i++;
    } else if (s === 'items' && next !== undefined && /^\d+$/.test(next)) {
      field += `[${next}]`;
      i++;
    } else if (s === 'items') {
      field += '[]';
    } else if (s === 'additionalProperties' || s === 'unevaluatedProperties') {
      dot('*');
    } else if (s === 'additionalItems' || s === 'unevaluatedItems') {
      field += '[…]';
    } else if ((s === 'oneOf' || s === 'anyOf' || s === 'allOf') && next !== undefined) {
      field += ` (${s} #${Number(next) + 1})`;
      i++;
    } else if (s === 'not') {
      field += ' (not)';
    }
    // Keyword segments (maxLength, enum, …) name a constraint, not a field: the message says it.
  }
  return field;
}
