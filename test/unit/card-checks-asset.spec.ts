import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { detectBrand, passesLuhn } from '@tender/core';
import { isValidLengthForBrand } from '@tender/core/dist/methods/card/card-brand';
import { DEFAULT_THEME_DIR } from '@tender/core/dist/templates-dir';

interface CardChecks {
  digits(s: string): string;
  brandOf(n: string): string;
  brandName(code: string): string;
  luhn(n: string): boolean;
  completeNumber(n: string): boolean;
}

/** The shared browser asset, run as the browser runs it (a classic script setting window.TenderCardChecks). */
function loadChecks(): CardChecks {
  const source = fs.readFileSync(path.join(DEFAULT_THEME_DIR, 'assets', 'card-checks.js'), 'utf8');
  const window: { TenderCardChecks?: CardChecks } = {};
  vm.runInNewContext(source, { window });
  assert.ok(window.TenderCardChecks);
  return window.TenderCardChecks;
}

const NUMBERS = [
  '2200000000000004',
  '4242424242424242',
  '4222222222222',
  '5555555555554444',
  '2223003122003222',
  '378282246310005',
  '6200000000000005',
  '3530111333300000',
  '6759649826438453',
  '4242424242424241',
  '1234567890123',
  '9999',
  '',
  '22',
  '35',
  '81000000000000000',
  '4242424242424242424',
  '42424242424242424242',
];

describe('card-checks.js: the browser card checks shared by the card form and the embedded fields', () => {
  const checks = loadChecks();

  it('detects the same brand as the server for every prefix', () => {
    for (const n of NUMBERS) assert.equal(checks.brandOf(n), detectBrand(n), n);
    assert.equal(checks.brandName('mir'), 'Mir');
    assert.equal(checks.brandName('unionpay'), 'UnionPay');
    assert.equal(checks.brandName('unknown'), '');
  });

  it('agrees with the server on Luhn and on the lengths each brand issues', () => {
    for (const n of NUMBERS) {
      assert.equal(checks.luhn(n), n.length >= 12 && n.length <= 19 && passesLuhn(n), n);
      assert.equal(checks.completeNumber(n), n.length >= 12 && n.length <= 19 && passesLuhn(n) && isValidLengthForBrand(n, detectBrand(n)), n);
    }
    assert.equal(checks.digits('4242 4242-4242x4242'), '4242424242424242');
  });

  it('is one file: neither page script carries its own brand or Luhn rules', () => {
    const scripts = [path.join(DEFAULT_THEME_DIR, 'assets', 'card-form.js'), path.join(DEFAULT_THEME_DIR, '..', 'elements', 'field.js')];
    for (const file of scripts) assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /function (brandOf|luhn)\b/, file);
  });
});
