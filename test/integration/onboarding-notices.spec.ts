import assert from 'node:assert/strict';
import { EmailDispatcher, FixedClock, ScheduledNotices } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { SmtpCapture, CapturedMail } from '../support/smtp-capture';
import { COMPANY, OperatorClient, apply, makeLive } from '../support/operator-client';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules } from '../support/risk-helpers';

const DASHBOARD = 'https://pay.tender.test/dashboard';
const SUPPORT = 'support@tender.test';
const START = Date.parse('2026-03-01T10:00:00Z');

/**
 * Onboarding's e-mails and notices, read from a real SMTP server on loopback: each in
 * the merchant's language (ru, en, ar), HTML and text, with a dashboard link to its
 * next step, dates in the merchant's time zone, and the operator's support contact
 * (in the text and as Reply-To). Test-mode warnings on a moved clock, sent once
 * however many times (and from however many processes) the notice job runs.
 */
describe('onboarding e-mails and notices', function () {
  const smtp = new SmtpCapture();
  let t: TestGateway;
  let clock: FixedClock;
  let op: OperatorClient;

  before(async () => {
    const url = await smtp.start();
    clock = new FixedClock(START);
    t = await startTestGateway({
      clock,
      env: {
        TENDER_SMTP_URL: url,
        TENDER_MAIL_FROM: 'Tender <no-reply@tender.test>',
        TENDER_DASHBOARD_URL: DASHBOARD,
        TENDER_SUPPORT_EMAIL: SUPPORT,
        TENDER_SUPPORT_PHONE: '+7 495 123-45-67',
        TENDER_OPERATOR_ALERT_EMAIL: 'ops@tender.test',
        TENDER_EMAIL_LOCALE: 'ru',
        TENDER_TIME_ZONE: 'Europe/Moscow',
        TENDER_TEST_MODE_HOURS: '48',
        TENDER_TEST_MODE_WARNING_HOURS: '24',
      },
    });
    op = new OperatorClient(t.gateway.app);
  });
  after(async () => {
    await t.close();
    await smtp.stop();
  });

  /** Sends what is queued, then the message whose subject matches (after `from`). */
  async function sent(subject: RegExp, from = 0): Promise<CapturedMail> {
    const dispatcher = t.gateway.container.resolve(EmailDispatcher);
    while ((await dispatcher.runOnce()) > 0);
    return smtp.waitFor(subject, from);
  }

  function assertMerchantMail(mail: CapturedMail, to: string, link: string, lang: string): void {
    assert.equal(mail.to, to);
    assert.equal(mail.replyTo, SUPPORT, 'a reply reaches the support, not the no-reply sender');
    assert.ok(mail.text.includes(link), `the text links to ${link}`);
    assert.ok(mail.html.includes(`href="${link}"`), 'the HTML links to the next step');
    assert.match(mail.html, new RegExp(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"`));
    assert.ok(mail.text.includes(SUPPORT) && mail.text.includes('+7 495 123-45-67'), 'the support contact is in the text');
    assert.doesNotMatch(mail.text, /\/v1\/|POST |GET /, 'no API call as a next step');
    assert.doesNotMatch(mail.text, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no raw ISO timestamp');
  }

  it('sends the application in the operator default (ru) and alerts the operator once', async () => {
    const m = await apply(t.gateway.app, 'Ромашка', 'owner@romashka.example');
    const welcome = await sent(/Тестовый режим Tender готов/);
    assertMerchantMail(welcome, 'owner@romashka.example', `${DASHBOARD}/onboarding`, 'ru');
    assert.match(welcome.text, /Следующий шаг: зарегистрируйте компанию/);
    // 48 h after 10:00 UTC is 13:00 in Moscow, 3 March.
    assert.match(welcome.text, /3 марта 2026 г\.[^\n]*13:00/);
    const alert = await sent(/Новая заявка: Ромашка/);
    assert.equal(alert.to, 'ops@tender.test');
    assert.ok(alert.text.includes(`https://pay.tender.test/console/merchants/${m.id}`) || alert.text.includes(`/console/merchants/${m.id}`));
    assert.equal(alert.replyTo, '', 'the operator alert has no support Reply-To');
    assert.equal((await t.gateway.db('sent_notices').where({ notice_key: `operator.application:${m.id}` })).length, 1);
  });

  it('warns before test mode ends and when it has ended, each once across two processes and restarts (en)', async () => {
    const m = await apply(t.gateway.app, 'Clocked Shop', 'owner@clocked.example');
    await t.gateway.db('merchants').where({ id: m.id }).update({ locale: 'en', time_zone: 'Asia/Dubai' });
    const notices = t.gateway.container.resolve(ScheduledNotices);
    const expiresAt = START + 48 * 3600_000;

    clock.advance(23 * 3600_000);
    await Promise.all([notices.runOnce(), notices.runOnce()]);
    assert.equal((await t.gateway.db('email_outbox').where({ merchant_id: m.id, template: 'onboarding/test-mode-warning' })).length, 0, 'not yet: 25 h left');

    clock.advance(2 * 3600_000);
    // Two gateway processes running the job at once, then a restart running it again.
    await Promise.all([notices.runOnce(), notices.runOnce()]);
    await notices.runOnce();
    assert.equal((await t.gateway.db('sent_notices').where({ notice_key: `test_mode.warning:${m.id}:${expiresAt}` })).length, 1, 'one claim');
    assert.equal((await t.gateway.db('email_outbox').where({ merchant_id: m.id, template: 'onboarding/test-mode-warning' })).length, 1);
    const from = smtp.messages.length;
    const warning = await sent(/Your Tender test mode ends on/, from);
    assertMerchantMail(warning, 'owner@clocked.example', `${DASHBOARD}/onboarding`, 'en');
    // 10:00 UTC on 3 March is 14:00 in Dubai.
    assert.match(warning.subject, /March 3, 2026.*02:00\s?PM GMT\+4/);

    clock.advance(24 * 3600_000);
    assert.ok(clock.now() > expiresAt);
    await Promise.all([notices.runOnce(), notices.runOnce()]);
    await notices.runOnce();
    assert.equal((await t.gateway.db('email_outbox').where({ merchant_id: m.id, template: 'onboarding/test-mode-ended' })).length, 1);
    const ended = await sent(/Your Tender test mode has ended/, from);
    assertMerchantMail(ended, 'owner@clocked.example', `${DASHBOARD}/onboarding`, 'en');
    assert.match(ended.text, /Next step: register your company in your dashboard/);
  });

  it('announces an extension with its new end (ar), once', async () => {
    const m = await apply(t.gateway.app, 'متجر', 'owner@souq.example');
    await t.gateway.db('merchants').where({ id: m.id }).update({ locale: 'ar' });
    const extended = (await op.post(`/admin/v1/merchants/${m.id}/extend_test_mode`, { hours: 24 }).expect(200)).body;
    assert.ok(extended.test_mode_expires_at, JSON.stringify(extended));
    const mail = await sent(/تم تمديد الوضع التجريبي/);
    assertMerchantMail(mail, 'owner@souq.example', `${DASHBOARD}/onboarding`, 'ar');
    assert.match(mail.text, /الخطوة التالية/);
    assert.equal((await t.gateway.db('sent_notices').where('notice_key', 'like', `test_mode.extended:${m.id}:%`)).length, 1);
  });

  it('mails the registration, the bank plan and the operator alert on a bank choice', async () => {
    const m = await apply(t.gateway.app, 'Bank Shop', 'owner@bank.example');
    await t.gateway.db('merchants').where({ id: m.id }).update({ locale: 'en' });
    const shop = new MerchantClient(t.gateway.app, m.key);
    await op.post('/admin/v1/banks', { code: 'alfa', name: 'Alfa Test Bank', adapter_code: 'sandbox', currencies: ['RUB'] }).expect(201);
    await shop.post('/v1/account/registration', COMPANY).expect(200);
    const registered = await sent(/Registration received: OOO Romashka/);
    assertMerchantMail(registered, 'owner@bank.example', `${DASHBOARD}/onboarding`, 'en');
    assert.match(registered.text, /INN 7707083893/);
    await shop.post('/v1/account/bank', { bank: 'alfa' }).expect(200);
    const plan = await sent(/Your plan for a contract with Alfa Test Bank/);
    assertMerchantMail(plan, 'owner@bank.example', `${DASHBOARD}/onboarding`, 'en');
    assert.match(plan.text, /\n1\. \S/, 'the numbered list of documents');
    assert.match(plan.html, /<ol><li>/);
    const alert = await sent(/Bank Shop выбрал банк Alfa Test Bank/);
    assert.equal(alert.to, 'ops@tender.test');
  });

  it('mails the contract, going live (next step: live keys) and a suspension with the support contact (ru)', async () => {
    const from = smtp.messages.length;
    const m = await makeLive(t.gateway.app, 'Live Shop', 'alfa', 'T0000099');
    const signed = await sent(/Договор с банком Alfa Test Bank подписан/, from);
    assertMerchantMail(signed, 'live-shop@shop.example', `${DASHBOARD}/onboarding`, 'ru');
    const live = await sent(/Реальные платежи в Tender включены/, from);
    assertMerchantMail(live, 'live-shop@shop.example', `${DASHBOARD}/developers`, 'ru');
    assert.match(live.text, /Следующий шаг: переключите личный кабинет в боевой режим/);
    assert.doesNotMatch(live.text, /sk_(live|test)_/);
    await op.post(`/admin/v1/merchants/${m.id}/suspend`, { reason: 'документы просрочены' }).expect(200);
    const suspended = await sent(/Ваш аккаунт Tender приостановлен/, from);
    assertMerchantMail(suspended, 'live-shop@shop.example', DASHBOARD, 'ru');
    assert.match(suspended.text, /приостановлен: документы просрочены/);
    assert.match(suspended.text, /свяжитесь с нашей поддержкой[\s\S]*support@tender\.test/);
    await op.post(`/admin/v1/merchants/${m.id}/resume`).expect(200);
    assertMerchantMail(await sent(/Ваш аккаунт Tender снова активен/, from), 'live-shop@shop.example', DASHBOARD, 'ru');
  });

  it('alerts the merchant once when a payment is held for review, linking to the Risk screen', async () => {
    const created = await t.createMerchant('Held Shop');
    await t.gateway.db('merchants').where({ id: created.id }).update({ locale: 'en', time_zone: 'Europe/Moscow', email: 'owner@held.example' });
    const shop = new MerchantClient(t.gateway.app, created.key);
    await putMerchantRules(t.gateway.app, shop, { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } } }).expect(200);
    const p = await payAs(shop, CARDS.visa, {}, { amount: 1500000 });
    assert.equal(p.status, 'authorized');
    const notices = t.gateway.container.resolve(ScheduledNotices);
    await Promise.all([notices.runOnce(), notices.runOnce()]);
    await notices.runOnce();
    assert.equal((await t.gateway.db('email_outbox').where({ merchant_id: created.id, template: 'onboarding/review-held' })).length, 1);
    const held = await sent(/is held for your review/);
    assert.match(held.subject, /Payment of RUB\s15,000\.00 is held/);
    assertMerchantMail(held, 'owner@held.example', `${DASHBOARD}/risk`, 'en');
    assert.ok(held.text.includes(p.id));
    assert.match(held.text, /rejected then/);
  });

  it('escapes what the merchant typed in the HTML part', async () => {
    const from = smtp.messages.length;
    await apply(t.gateway.app, '<img src=x onerror=alert(1)>', 'owner@xss.example');
    const own = await sent(/Тестовый режим Tender готов/, from);
    assert.equal(own.to, 'owner@xss.example');
    assert.ok(!own.html.includes('<img src=x'), 'no markup from the merchant name');
    assert.ok(own.html.includes('&lt;img'));
  });
});
