import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ThemeFileError, ThemeFiles, cardBrandLabel } from '@tender/core';

describe('ThemeFiles: an operator theme over the default, file by file', () => {
  let root: string;
  let theme: ThemeFiles;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-theme-files-'));
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('default/layout.hbs', 'default layout');
    write('default/partials/a.hbs', 'a');
    write('default/locales/en.json', JSON.stringify({ title: 'Pay', nested: { ok: 'OK', no: 'No' } }));
    write('operator/partials/b.hbs', 'b');
    write('operator/locales/en.json', JSON.stringify({ nested: { ok: 'Fine' } }));
    write('operator/broken.json', '{ "x": ');
    theme = ThemeFiles.over(path.join(root, 'operator'), path.join(root, 'default'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads what the theme lacks from the default, and lists the union', () => {
    assert.equal(theme.read('layout.hbs'), 'default layout');
    assert.deepEqual(theme.list('partials', '.hbs'), ['a.hbs', 'b.hbs']);
    assert.deepEqual(
      theme.jsonLayers<Record<string, unknown>>('locales/en.json'),
      [{ title: 'Pay', nested: { ok: 'OK', no: 'No' } }, { nested: { ok: 'Fine' } }],
      'default first, so the theme merges over it',
    );
  });

  it('names the file and the problem for what is missing or broken', () => {
    assert.throws(
      () => theme.read('nowhere.hbs'),
      (e: unknown) => e instanceof ThemeFileError && /nowhere\.hbs: missing \(looked in .*operator, .*default\)/.test(e.message),
    );
    assert.throws(
      () => theme.json('broken.json'),
      (e: unknown) => e instanceof ThemeFileError && e.file.endsWith('operator/broken.json') && /is not valid JSON/.test(e.message),
    );
  });
});

describe('cardBrandLabel', () => {
  it('writes each scheme as it writes itself', () => {
    assert.deepEqual(['visa', 'mastercard', 'mir', 'unionpay', 'amex', 'jcb', 'maestro', 'newscheme'].map(cardBrandLabel), [
      'Visa',
      'Mastercard',
      'Mir',
      'UnionPay',
      'American Express',
      'JCB',
      'Maestro',
      'Newscheme',
    ]);
  });
});
