import assert from 'node:assert/strict';
import { EmailRenderer } from '@tender/core';

describe('e-mail templates (no database)', () => {
  const renderer = new EmailRenderer();
  const data = {
    merchant_name: 'Shop <b>',
    amount: '1500.00 RUB',
    order_id: 'A-1',
    card: 'visa •••• 4242',
    status_url: 'https://pay.example.com/status/x',
    livemode: false,
  };

  it('renders HTML and text parts in English, Russian and Arabic (right to left)', () => {
    const en = renderer.render('receipt', 'en', data);
    assert.equal(en.subject, 'Your payment of 1500.00 RUB to Shop <b>');
    assert.match(en.html, /<html lang="en" dir="ltr">/);
    assert.match(en.text, /Amount: 1500\.00 RUB/);
    const ru = renderer.render('receipt', 'ru', data);
    assert.equal(ru.subject, 'Ваш платёж 1500.00 RUB в Shop <b>');
    const ar = renderer.render('receipt', 'ar', data);
    assert.match(ar.html, /<html lang="ar" dir="rtl">/);
    assert.match(ar.text, /المبلغ/);
  });

  it('escapes values in the HTML part', () => {
    const html = renderer.render('receipt', 'en', data).html;
    assert.ok(!html.includes('Shop <b>'));
    assert.ok(html.includes('Shop &lt;b&gt;'));
  });

  it('falls back to English for an unknown locale', () => {
    assert.equal(renderer.render('refund_failed', 'xx', { amount: '1.00 USD' }).subject, 'A refund of 1.00 USD failed');
  });
});
