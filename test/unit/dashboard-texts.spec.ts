import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PAYMENT_STATUSES } from '@tender/core';
import { WEB_TEMPLATES_DIR } from '@tender/dashboard';
import { DASHBOARD_SECTIONS } from '@tender/dashboard/dist/dashboard/sections';
import { PAYMENT_METHOD_FILTERS } from '@tender/dashboard/dist/dashboard/payment-filter';
import { csvCell } from '@tender/dashboard/dist/dashboard/payment-csv';
import { decimalToMinor, minorToDecimal, parseFormAmount } from '@tender/dashboard/dist/dashboard/decimal-amount';

const WEB = WEB_TEMPLATES_DIR;
const SCREENS = path.join(__dirname, '..', '..', '..', 'dashboard', 'src', 'dashboard');

type Messages = { [key: string]: string | Messages };
const read = (area: string, locale: string): Messages => JSON.parse(fs.readFileSync(path.join(WEB, 'locales', area, `${locale}.json`), 'utf8')) as Messages;
/** The dashboard's texts with the `dash` block of the review area (review decisions), merged as the web views merge areas. */
const load = (locale: string): Messages => {
  const own = read('dashboard', locale);
  return { ...own, dash: { ...(own.dash as Messages), ...(read('review', locale).dash as Messages) } };
};
const has = (m: Messages, key: string): boolean =>
  typeof key.split('.').reduce<string | Messages | undefined>((node, part) => (node === undefined || typeof node === 'string' ? undefined : node[part]), m) ===
  'string';

describe('dashboard screens: texts, CSV cells and amounts', function () {
  const locales = { en: load('en'), ru: load('ru'), ar: load('ar') };

  it('has every text the templates and routers name, in en, ru and ar', () => {
    const keys = new Set<string>();
    for (const file of fs.readdirSync(path.join(WEB, 'dashboard')).filter((f) => f.endsWith('.hbs'))) {
      const text = fs.readFileSync(path.join(WEB, 'dashboard', file), 'utf8');
      for (const m of text.matchAll(/\{\{t "(dash\.[\w.]+)"/g)) keys.add(m[1]);
    }
    for (const file of fs.readdirSync(SCREENS).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(SCREENS, file), 'utf8');
      for (const m of text.matchAll(/'(dash\.[\w.]+)'/g)) keys.add(m[1]);
    }
    // Keys the templates build with concat.
    for (const s of PAYMENT_STATUSES) keys.add(`dash.statuses.${s}`);
    for (const m of PAYMENT_METHOD_FILTERS) keys.add(`dash.methods.${m}`);
    for (const k of ['created', 'risk', 'review', 'attempt', 'bank', 'event', 'webhook', 'refund']) keys.add(`dash.timeline.${k}`);
    for (const a of ['capture', 'cancel', 'refund']) {
      for (const group of ['confirm_title', 'confirm_amount', 'confirm_warning', 'confirm_button', 'done']) keys.add(`dash.payment.${group}.${a}`);
      keys.add(`dash.payment.confirm_${a}`);
    }
    for (const stage of ['applied', 'registered', 'bank_chosen', 'contract_signed', 'live', 'suspended']) {
      keys.add(`dash.onboarding.stages.${stage}`);
      keys.add(`dash.onboarding.next.${stage}`);
    }
    for (const s of DASHBOARD_SECTIONS) if (s.navKey !== undefined) keys.add(s.navKey);
    for (const d of ['approve', 'reject']) for (const g of ['confirm_title_', 'confirm_warning_', 'confirm_button_']) keys.add(`dash.review.${g}${d}`);
    for (const r of ['approved', 'rejected', 'canceled']) keys.add(`dash.review.done_${r}`);
    assert.ok(keys.size > 100);
    for (const [locale, messages] of Object.entries(locales)) {
      const missing = [...keys].filter((k) => !has({ dash: messages.dash }, k));
      assert.deepEqual(missing, [], `${locale} lacks texts`);
    }
  });

  it('defuses spreadsheet formulas in CSV cells and quotes the rest', () => {
    assert.equal(csvCell('=1+2'), `"'=1+2"`);
    assert.equal(csvCell('+7 900 000'), `"'+7 900 000"`);
    assert.equal(csvCell('-5'), `"'-5"`);
    assert.equal(csvCell('@SUM(A1)'), `"'@SUM(A1)"`);
    assert.equal(csvCell('\tcmd'), `"'\tcmd"`);
    assert.equal(csvCell('say "hi", then\r\nleave'), '"say ""hi"", then\r\nleave"');
    assert.equal(csvCell('1500.05'), '"1500.05"');
  });

  it('converts amounts exactly between minor units and decimals', () => {
    assert.equal(minorToDecimal(99_999_999_999, 'RUB'), '999999999.99');
    assert.equal(minorToDecimal(5, 'RUB'), '0.05');
    assert.equal(minorToDecimal(1234, 'KWD'), '1.234');
    assert.equal(minorToDecimal(1500, 'JPY'), '1500');
    assert.equal(decimalToMinor('0.005', 2, 'ceil'), 1);
    assert.equal(decimalToMinor('0.005', 2, 'floor'), 0);
    assert.equal(decimalToMinor('12,5', 2, 'floor'), 1250);
    assert.equal(parseFormAmount('120.50', 'RUB'), 12050);
    assert.equal(parseFormAmount('120.505', 'RUB'), undefined, 'more digits than the currency has');
    assert.equal(parseFormAmount('0', 'RUB'), undefined);
    assert.equal(parseFormAmount('1e3', 'RUB'), undefined);
    assert.equal(parseFormAmount('10', 'XXX'), undefined);
    assert.equal(parseFormAmount('999999999.99', 'RUB'), 99_999_999_999);
    assert.equal(parseFormAmount('1000000000.00', 'RUB'), undefined, 'above the largest amount Tender takes');
  });
});
