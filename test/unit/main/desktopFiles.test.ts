import { describe, expect, it } from 'vitest';
import { filesFromArgv } from '../../../main/argvFiles.js';
import { closeChoice, closePromptOptions } from '../../../main/closePrompt.js';
import { openDialogOptions, saveDialogOptions, withGraphExtension } from '../../../main/fileDialogs.js';
import { addRecent, parseRecent } from '../../../main/recentFiles.js';
import { windowTitle } from '../../../main/windowTitle.js';

describe('filesFromArgv (argvFiles.ts)', () => {
  it('picks graph files, resolving relative ones against the launching folder', () => {
    expect(
      filesFromArgv(
        ['/opt/Sluice/sluice', '--no-sandbox', 'a.sluice.json', '/x/B.SLUICE.JSON', 'notes.txt', 'a.sluice.json'],
        '/home/u',
      ),
    ).toEqual(['/home/u/a.sluice.json', '/x/B.SLUICE.JSON']);
  });

  it('ignores the app folder of a development launch and flags', () => {
    expect(filesFromArgv(['/usr/bin/electron', '.', '--inspect=9229', '--x=a.sluice.json'], '/repo')).toEqual([]);
  });
});

describe('recentFiles.ts', () => {
  it('moves a reopened file to the front without duplicates, keeping at most ten', () => {
    const list = Array.from({ length: 10 }, (_, i) => `/g/${i}.sluice.json`);
    const next = addRecent(list, '/g/5.sluice.json');
    expect(next[0]).toBe('/g/5.sluice.json');
    expect(next).toHaveLength(10);
    expect(new Set(next).size).toBe(10);
    expect(addRecent(list, '/g/new.sluice.json')).toHaveLength(10);
  });

  it('reads a corrupt or foreign saved list as what it can use', () => {
    expect(parseRecent(undefined)).toEqual([]);
    expect(parseRecent({ a: 1 })).toEqual([]);
    expect(parseRecent(['/a', 3, '', '/a', '/b'])).toEqual(['/a', '/b']);
  });
});

describe('windowTitle.ts', () => {
  it('shows the document name, a dirty marker and the app name', () => {
    expect(windowTitle('fraud.sluice.json', true, 'linux')).toBe('• fraud.sluice.json — Sluice');
    expect(windowTitle('fraud.sluice.json', false, 'win32')).toBe('fraud.sluice.json — Sluice');
    expect(windowTitle(null, false, 'linux')).toBe('Untitled — Sluice');
  });

  it('leaves the marker to the close button on macOS', () => {
    expect(windowTitle('a.sluice.json', true, 'darwin')).toBe('a.sluice.json — Sluice');
  });
});

describe('closePrompt.ts', () => {
  it('asks about the named document, with Cancel as the escape answer', () => {
    const o = closePromptOptions('fraud.sluice.json');
    expect(o.message).toBe('Do you want to save the changes you made to fraud.sluice.json?');
    expect(o.buttons).toEqual(['Save', "Don't Save", 'Cancel']);
    expect(o.cancelId).toBe(2);
  });

  it('maps the answer, treating anything unexpected as cancel', () => {
    expect([0, 1, 2, 7, -1].map(closeChoice)).toEqual(['save', 'discard', 'cancel', 'cancel', 'cancel']);
  });
});

describe('fileDialogs.ts', () => {
  it('filters for .sluice.json files', () => {
    expect(openDialogOptions('open').filters?.[0]).toEqual({ name: 'Sluice graphs', extensions: ['sluice.json'] });
    expect(openDialogOptions('import', '/g').defaultPath).toBe('/g');
    expect(openDialogOptions('open').properties).toEqual(['openFile']);
  });

  it('suggests a file name with the graph extension in the last folder', () => {
    expect(saveDialogOptions('save', 'Fraud alerts', '/g/').defaultPath).toBe('/g/Fraud alerts.sluice.json');
    expect(saveDialogOptions('export', undefined).defaultPath).toBe('Untitled.sluice.json');
  });

  it('adds the extension GTK leaves off, without doubling it', () => {
    expect(withGraphExtension('/g/a')).toBe('/g/a.sluice.json');
    expect(withGraphExtension('/g/a.json')).toBe('/g/a.sluice.json');
    expect(withGraphExtension('/g/a.sluice.json')).toBe('/g/a.sluice.json');
  });
});
