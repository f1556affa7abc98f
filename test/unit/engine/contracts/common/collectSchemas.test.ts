import { describe, expect, it } from 'vitest';
import type { EventSchema } from '../../../../../engine/contract/eventSchema.js';
import { collectSchemas } from '../../../../../engine/contracts/common/collectSchemas.js';

const s = (name: string, version: number, extra: Partial<EventSchema> = {}): EventSchema => ({
  name,
  version,
  ref: `${name}@${version}`,
  file: `${name}@${version}.schema.json`,
  schema: true,
  compatibility: 'BACKWARD',
  ...extra,
});

describe('collectSchemas', () => {
  it('orders schemas by name, then by version number', () => {
    const { schemas, problems } = collectSchemas([s('orders', 10), s('customers', 1), s('orders', 9)]);
    expect(schemas.map((x) => x.ref)).toEqual(['customers@1', 'orders@9', 'orders@10']);
    expect(problems).toEqual([]);
  });

  it('warns of an upcast on a first version and of a gap in the versions', () => {
    const { problems } = collectSchemas([s('orders', 1, { upcast: 'value' }), s('orders', 3)]);
    expect(problems.map((p) => [p.severity, p.message])).toEqual([
      ['warning', 'orders@1 is the first version of orders, so its upcast has nothing to upcast from and is ignored'],
      ['warning', 'orders has no version between 1 and 3; orders@3 is checked and upcast from orders@1'],
    ]);
  });

  it('keeps one of two definitions of a version and says which file to drop', () => {
    const { schemas, problems } = collectSchemas([
      s('orders', 1),
      s('orders', 1, { file: 'copy/orders@1.schema.json' }),
    ]);
    expect(schemas).toHaveLength(1);
    expect(problems).toEqual([
      {
        severity: 'error',
        file: 'copy/orders@1.schema.json',
        message: 'orders@1 is also defined by orders@1.schema.json; keep one',
      },
    ]);
  });
});
