import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  SCHEMA_VERSION,
  migrate,
  readSchemaVersion,
  type Migration,
} from '../../../../engine/store/migrations.js';

let dir: string;
let db: BetterSqlite3.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-migrate-'));
  db = new BetterSqlite3(path.join(dir, 's.db'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('numbers its steps 1, 2, 3… without gaps and ends at SCHEMA_VERSION', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('brings an empty database to the current version and is a no-op the second time', () => {
    expect(readSchemaVersion(db)).toBe(0);
    migrate(db, 's.db');
    expect(readSchemaVersion(db)).toBe(SCHEMA_VERSION);
    migrate(db, 's.db');
    expect(readSchemaVersion(db)).toBe(SCHEMA_VERSION);
  });

  it('runs only the steps above the stored version, in order', () => {
    const ran: number[] = [];
    const steps: Migration[] = [1, 2, 3].map((version) => ({
      version,
      description: `step ${version}`,
      up: () => void ran.push(version),
    }));
    migrate(db, 's.db', steps.slice(0, 1));
    migrate(db, 's.db', steps);
    expect(ran).toEqual([1, 2, 3]);
    expect(readSchemaVersion(db)).toBe(3);
  });

  it('leaves the version at the last good step when a step fails, and resumes there', () => {
    let fail = true;
    const steps: Migration[] = [
      { version: 1, description: 'a', up: (d) => d.exec('CREATE TABLE a (x)') },
      {
        version: 2,
        description: 'b',
        up: (d) => {
          d.exec('CREATE TABLE b (x)');
          if (fail) throw new Error('power cut');
        },
      },
    ];
    expect(() => migrate(db, 's.db', steps)).toThrow('power cut');
    expect(readSchemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).get()).toBeUndefined();
    fail = false;
    migrate(db, 's.db', steps);
    expect(readSchemaVersion(db)).toBe(2);
  });

  it('refuses a database whose version is above every known step', () => {
    migrate(db, 's.db');
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(String(SCHEMA_VERSION + 1));
    expect(() => migrate(db, 's.db')).toThrow(/written by a newer Sluice/);
  });
});
