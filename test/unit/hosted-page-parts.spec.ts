import assert from 'node:assert/strict';
import { formatAmount } from '@tender/core/dist/pages/amount-format';
import { chooseLocale, directionOf } from '@tender/core/dist/pages/page-locale';
import { formSignatureString, hmacHex, returnSignatureString, signatureMatches, signedReturnUrl } from '@tender/core/dist/pages/return-signature';
import { checkCustomCss } from '@tender/core/dist/branding/custom-css';
import { shopHmac } from '../support/hosted-page';

describe('hosted page parts (no database)', () => {
  it('formats minor units exactly for the locale and the currency exponent', () => {
    assert.equal(formatAmount(150000, 'RUB', 'ru'), '1\u00a0500,00\u00a0₽');
    assert.equal(formatAmount(123456, 'USD', 'en'), '$1,234.56');
    assert.equal(formatAmount(1500, 'JPY', 'en'), '¥1,500');
    assert.equal(formatAmount(1234567, 'KWD', 'en'), 'KWD\u00a01,234.567');
    assert.equal(formatAmount(5, 'EUR', 'en'), '€0.05');
    // The largest amount the API takes, digit for digit (no float division by 100).
    assert.equal(formatAmount(99_999_999_999, 'USD', 'en'), '$999,999,999.99');
    assert.equal(formatAmount(10_000_000_001, 'RUB', 'en'), 'RUB 100,000,000.01');
  });

  it('chooses the payment locale, else Accept-Language by q-value, else English', () => {
    assert.equal(chooseLocale('ar', 'ru'), 'ar');
    assert.equal(chooseLocale(null, 'de;q=1, ru;q=0.5, en;q=0.8'), 'en');
    assert.equal(chooseLocale(null, 'ar-EG,ar;q=0.9'), 'ar');
    assert.equal(chooseLocale(null, 'fr-FR'), 'en');
    assert.equal(chooseLocale(null, undefined), 'en');
    assert.equal(directionOf('ar'), 'rtl');
    assert.equal(directionOf('ru'), 'ltr');
  });

  it('signs the documented strings and verifies in constant time', () => {
    const secret = 'tss_exampleexampleexampleexampleexample00';
    assert.equal(returnSignatureString({ paymentId: 'pay_123', orderId: 'A-1042', status: 'captured' }), 'pay_123\nA-1042\ncaptured');
    assert.equal(hmacHex(secret, 'pay_123\nA-1042\ncaptured'), '3257ba07fae71cb5c0b9d97b2e20bbc582878749c17e52633af2f7dacd97cd21');
    const form = {
      key: 'pk_test_abc',
      orderId: 'A-1042',
      amount: '150000',
      currency: 'RUB',
      description: 'Two bags of coffee',
      returnUrl: 'https://shop.example/return',
    };
    assert.equal(hmacHex(secret, formSignatureString(form)), 'cb006f38671496ef55e3d1dc17439bb4f3d2eab33d3124e5d83e7c406e7acb78');
    assert.ok(signatureMatches(secret, 'x', shopHmac(secret, 'x').toUpperCase()));
    assert.ok(!signatureMatches(secret, 'x', shopHmac(secret, 'y')));
    assert.ok(!signatureMatches(secret, 'x', undefined));
    const url = new URL(signedReturnUrl('https://shop.example/r?keep=1&status=old', secret, { paymentId: 'pay_1', orderId: 'A&B=1', status: 'declined' }));
    assert.equal(url.searchParams.get('keep'), '1');
    assert.equal(url.searchParams.get('status'), 'declined');
    assert.equal(url.searchParams.get('order_id'), 'A&B=1');
    assert.equal(url.searchParams.get('signature'), shopHmac(secret, 'pay_1\nA&B=1\ndeclined'));
  });

  it('accepts plain CSS and refuses what could load, leak or escape', () => {
    assert.equal(checkCustomCss('  .pay-button { letter-spacing: 0.05em; }  '), '.pay-button { letter-spacing: 0.05em; }');
    for (const bad of ['a{background:URL(x)}', '@import "x.css";', 'a{} </style>', 'a{b:\\75rl(x)}', 'a{color:\\72 ed}', 'a{width:expression(1)}']) {
      assert.throws(
        () => checkCustomCss(bad),
        (e: { code?: string }) => e.code === 'custom_css_invalid',
        bad,
      );
    }
  });
});
