import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCREEN_TEMPLATES_DIR, SavedCardScreenViews } from '@tender/plugin-saved-cards/dist/screens/index';

type Messages = { readonly [key: string]: string | Messages };

function keysOf(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
}

const localeFile = (locale: string): Messages => JSON.parse(fs.readFileSync(path.join(SCREEN_TEMPLATES_DIR, 'locales', `${locale}.json`), 'utf8')) as Messages;

/** The saved-cards dashboard screens' texts and templates (no database). */
describe('saved cards screens: texts and templates (no database)', function () {
  it('has every text in en, ru and ar, with the same placeholders', () => {
    const en = localeFile('en');
    const enKeys = keysOf(en).sort();
    for (const locale of ['ru', 'ar']) {
      const other = localeFile(locale);
      assert.deepEqual(keysOf(other).sort(), enKeys, `${locale} has the same keys as en`);
      const views = new SavedCardScreenViews();
      for (const key of enKeys) {
        const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        assert.deepEqual(placeholders(views.messages.text(locale as 'ru' | 'ar', key)), placeholders(views.messages.text('en', key)), `${locale} ${key}`);
      }
    }
  });

  it('finds every text key the templates use in English', () => {
    const enKeys = new Set(keysOf(localeFile('en')));
    const used = fs
      .readdirSync(SCREEN_TEMPLATES_DIR)
      .filter((f) => f.endsWith('.hbs'))
      .flatMap((f) => [...fs.readFileSync(path.join(SCREEN_TEMPLATES_DIR, f), 'utf8').matchAll(/\{\{t "([a-z_.]+)"/g)].map((m) => m[1]));
    assert.ok(used.length > 40, 'the templates use the texts');
    assert.deepEqual(
      used.filter((k) => !enKeys.has(k)),
      [],
    );
  });

  it('refuses a template that prints a value unescaped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saved-cards-screens-'));
    try {
      fs.cpSync(SCREEN_TEMPLATES_DIR, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'customer.hbs'), '<p>{{{customer.name}}}</p>');
      assert.throws(() => new SavedCardScreenViews(dir), /prints a value unescaped/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("escapes what it renders, in the viewer's language", () => {
    const html = new SavedCardScreenViews().render('customers', 'ru', {
      customers: [{ id: 'cus_1', name: '<script>alert(1)</script>', email: 'a@b', created: '' }],
      filter: { email: '"><b>' },
    });
    assert.doesNotMatch(html, /<script>|"><b>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, />Найти</);
  });
});
