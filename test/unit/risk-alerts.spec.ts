import assert from 'node:assert/strict';
import { EmailRenderer, loadConfig } from '@tender/core';
import { parseTrustProxy } from '@tender/core/dist/config/config';
import { DEFAULT_ALERTS, effectiveAlerts } from '@tender/core/dist/monitoring/risk-alert-settings';

describe('risk alerts and the buyer IP settings (no database)', () => {
  const renderer = new EmailRenderer();
  const base = {
    merchant_name: 'Shop <b>',
    merchant_id: 'mer_1',
    payment_id: 'pay_1',
    window_minutes: 60,
    livemode: false,
    ip: null,
    card: null,
    count: null,
    reason: 'r',
    operator: false,
  };

  it('renders the three patterns in English, Russian and Arabic (right to left), escaping values in HTML', () => {
    const testing = { ...base, card_testing: true, ip: '198.51.100.1' };
    assert.equal(renderer.render('risk_alert', 'en', testing).subject, 'Risk alert for Shop <b>: card testing from 198.51.100.1');
    assert.equal(
      renderer.render('risk_alert', 'ru', { ...base, declines: true, card: 'visa •••• 0002' }).subject,
      'Сигнал мониторинга для Shop <b>: повторные отказы по карте visa •••• 0002',
    );
    const ar = renderer.render('risk_alert', 'ar', { ...base, blocks: true, count: 12 });
    assert.match(ar.html, /<html lang="ar" dir="rtl">/);
    assert.match(ar.subject, /12 دفعات محظورة/);
    const html = renderer.render('risk_alert', 'en', { ...testing, operator: true }).html;
    assert.ok(html.includes('Shop &lt;b&gt;') && !html.includes('Shop <b>'));
    assert.match(renderer.render('risk_alert', 'en', { ...testing, operator: true }).text, /Merchant: Shop <b> \(mer_1\)/);
    assert.doesNotMatch(renderer.render('risk_alert', 'en', testing).text, /Merchant:/, "the merchant's own copy does not name it");
  });

  it("combines alert settings: defaults, operator, merchant; the operator copy is the operator's choice alone", () => {
    assert.deepEqual(effectiveAlerts(), DEFAULT_ALERTS);
    const e = effectiveAlerts(
      { email_operator: false, locale: 'ar', patterns: { blocks: { threshold: 5 } } },
      { email_operator: true, locale: 'ru', patterns: { blocks: { window_seconds: 600 } } },
    );
    assert.equal(e.emailOperator, false);
    assert.equal(e.locale, 'ru');
    assert.deepEqual(e.patterns.blocks, { enabled: true, threshold: 5, windowSeconds: 600 });
  });

  it('parses TENDER_TRUST_PROXY and refuses what express would misread', () => {
    assert.equal(parseTrustProxy('false'), false);
    assert.equal(parseTrustProxy('true'), true);
    assert.equal(parseTrustProxy('1'), 1);
    assert.deepEqual(parseTrustProxy('loopback, 10.0.0.0/8,2001:db8::1'), ['loopback', '10.0.0.0/8', '2001:db8::1']);
    assert.throws(() => parseTrustProxy('10.0.0.0/33'), /TENDER_TRUST_PROXY/);
    assert.equal(loadConfig({}).trustProxy, false, 'no proxy is trusted unless configured');
    assert.throws(() => loadConfig({ TENDER_RISK_ALERT_EMAIL: 'not an address' }), /TENDER_RISK_ALERT_EMAIL/);
  });
});
