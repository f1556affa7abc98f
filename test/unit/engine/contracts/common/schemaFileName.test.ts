import { describe, expect, it } from 'vitest';
import { parseSchemaFileName, schemaFileName } from '../../../../../engine/contracts/common/schemaFileName.js';

describe('parseSchemaFileName', () => {
  it('reads name@version.schema.json', () => {
    expect(parseSchemaFileName('orders@2.schema.json')).toEqual({ name: 'orders', version: 2 });
    expect(parseSchemaFileName('sub/payment.v-1_x@12.schema.json')).toEqual({ name: 'payment.v-1_x', version: 12 });
    expect(schemaFileName({ name: 'orders', version: 3 })).toBe('orders@3.schema.json');
  });

  it('refuses other names', () => {
    for (const bad of [
      'orders.schema.json',
      'orders@0.schema.json',
      'orders@01.schema.json',
      '@1.schema.json',
      'or ders@1.schema.json',
      'orders@1.json',
      'a@b@1.schema.json',
    ]) {
      expect(parseSchemaFileName(bad)).toBeNull();
    }
  });
});
