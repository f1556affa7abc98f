import { describe, expect, it } from 'vitest';
import { valueFieldReads } from '../../../../engine/graph/valueFieldReads.js';

const paths = (src: string, vars = ['value', 'key', 'time', 'event'], kind: 'expression' | 'code' = 'expression') =>
  valueFieldReads(src, vars, kind).map((r) => r.path.join('.'));

describe('valueFieldReads', () => {
  it('finds member chains on value, each once, as far as they name properties', () => {
    expect(paths('value.amount * 2 + value.customer.id.length')).toEqual(['amount', 'customer.id.length']);
    expect(paths('value["amount"] > 1 && value?.note?.text')).toEqual(['amount', 'note.text']);
    expect(paths('value[k].x + value.a[i].b')).toEqual(['a']);
  });

  it('finds reads through event.value, and in function bodies', () => {
    expect(paths('event.value.qty + event.key.length')).toEqual(['qty']);
    expect(
      paths(
        'const q = event.value.qty; ctx.emit(event.value.lines.map(l => l.sku)); return q;',
        ['event', 'ctx'],
        'code',
      ),
    ).toEqual(['qty', 'lines.map']);
  });

  it('ignores value when the code cannot see it, other objects, and code that does not parse', () => {
    expect(paths('value.a', ['i'])).toEqual([]);
    expect(paths('other.value.a + ({ value: 1 }).value')).toEqual([]);
    expect(paths('value.a +')).toEqual([]);
  });

  it('keeps the text as written for messages', () => {
    expect(valueFieldReads('value?.["a"].b', ['value'], 'expression')[0]?.text).toBe('value?.["a"].b');
  });
});
