import { describe, expect, it } from 'vitest';
import { fieldOfPath } from '../../../../../engine/contracts/common/fieldOfPath.js';

describe('fieldOfPath', () => {
  it('turns schema paths into the field names people write', () => {
    expect(fieldOfPath('#/')).toBe('');
    expect(fieldOfPath('#/properties/amount')).toBe('amount');
    expect(fieldOfPath('#/properties/customer/properties/id')).toBe('customer.id');
    expect(fieldOfPath('#/properties/customer/required/id')).toBe('customer.id');
    expect(fieldOfPath('#/properties/lines/items/properties/sku')).toBe('lines[].sku');
    expect(fieldOfPath('#/properties/pair/items/1')).toBe('pair[1]');
  });

  it('ignores constraint keywords and marks combinators', () => {
    expect(fieldOfPath('#/properties/note/maxLength')).toBe('note');
    expect(fieldOfPath('#/properties/v/oneOf/1')).toBe('v (oneOf #2)');
    expect(fieldOfPath('#/properties/meta/additionalProperties')).toBe('meta.*');
  });
});
