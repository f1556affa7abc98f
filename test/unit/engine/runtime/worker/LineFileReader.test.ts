import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineFileReader } from '../../../../../engine/runtime/worker/LineFileReader.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-lines-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('LineFileReader', () => {
  it('refuses a missing file in one line', () => {
    const file = path.join(dir, 'nope.jsonl');
    expect(() => new LineFileReader(file, 0, false)).toThrow(`file not found: ${file}`);
  });

  it('with missingOk reads a missing file as empty, and its lines once it appears', () => {
    const file = path.join(dir, 'later.jsonl');
    const reader = new LineFileReader(file, 0, true, true);
    expect(reader.read(10)).toEqual({ lines: [], offset: 0, eof: true });
    fs.writeFileSync(file, '{"a":1}\n{"a":2}\n');
    expect(reader.read(10)).toEqual({ lines: ['{"a":1}', '{"a":2}'], offset: 16, eof: true });
    reader.close();
  });
});
