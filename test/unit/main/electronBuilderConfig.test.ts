import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
type Validate = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv = require('ajv') as new (o: object) => { compile(schema: unknown): Validate };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  extraResources: Array<{ from: string; to: string }>;
  fileAssociations: Array<{ ext: string; name: string }>;
  icon: string;
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  directories: { buildResources: string };
}

const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own configuration schema", () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(require('app-builder-lib/scheme.json'));
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('names the app and builds AppImage and deb, dmg, and nsis', () => {
    expect(config.appId).toBe('dev.sluice.app');
    expect(config.productName).toBe('Sluice');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('names icons and resources that exist', () => {
    for (const file of [
      config.icon,
      config.linux.icon,
      config.mac.icon,
      config.win.icon,
      config.directories.buildResources,
    ]) {
      expect(existsSync(file), file).toBe(true);
    }
    for (const r of config.extraResources) expect(existsSync(r.from), r.from).toBe(true);
  });

  it('packages the built app whose entry is package.json main, and unpacks the native module that exists', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/main.cjs');
    expect(config.files).toContain('dist/**');
    expect(config.asarUnpack).toEqual(['node_modules/better-sqlite3/**']);
    expect(existsSync('node_modules/better-sqlite3/package.json')).toBe(true);
  });

  it('associates .sluice.json files with the app', () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'sluice.json', name: 'Sluice Graph' })]);
  });

  it('uses a 512×512 PNG icon, as macOS and Linux packaging need', () => {
    const png = readFileSync('assets/icons/icon.png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
