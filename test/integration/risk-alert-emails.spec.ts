import assert from 'node:assert/strict';
import { ParsedMail } from 'mailparser';
import { FixedClock, Gateway } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { EmailDispatcher } from '@tender/core/dist/notifications/email/email-dispatcher';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { SmtpSink } from '../support/smtp-sink';
import { payAs, putMerchantRules, serialCard } from '../support/risk-helpers';

const OPERATOR = 'risk-desk@operator.example';
const CVC = '987';

/** Everything a mail shows, with ids and tokens (random letters and digits) taken out, so a CVC search cannot match them. */
function visibleText(mail: ParsedMail): string {
  return `${mail.subject ?? ''}\n${mail.text ?? ''}\n${String(mail.html)}`;
}

function withoutIds(text: string): string {
  return text.replace(/\b[a-z]{3}_[0-9A-Za-z]+\b/g, '<id>').replace(/\d{1,3}(\.\d{1,3}){3}/g, '<ip>');
}

describe('transaction monitoring: alert e-mails through a real SMTP server', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let smtp: SmtpSink;
  let clock: FixedClock;
  let dispatcher: EmailDispatcher;

  before(async () => {
    smtp = await new SmtpSink().start();
    clock = new FixedClock(Date.parse('2026-03-02T09:00:00Z'));
    t = await startTestGateway({ clock, env: { TENDER_SMTP_URL: smtp.url(), TENDER_RISK_ALERT_EMAIL: OPERATOR } });
    dispatcher = t.gateway.container.resolve(EmailDispatcher);
  });
  after(async () => {
    dispatcher.close();
    await t.close();
    await smtp.close();
  });

  /** Sends everything queued (the dispatcher, as the background loop would run it) and returns the new messages. */
  async function delivered(): Promise<ParsedMail[]> {
    const before = smtp.messages.length;
    while ((await dispatcher.runOnce()) > 0);
    return smtp.messages.slice(before);
  }

  async function newShop(name: string): Promise<MerchantClient> {
    return new MerchantClient(t.gateway.app, (await t.createMerchant(name)).key);
  }

  it('card testing from one IP: one e-mail to the merchant (in its alert locale) and one to the operator per window; the second crossing sends nothing', async () => {
    const shop = await newShop('Tea House');
    await putMerchantRules(t.gateway.app, shop, {
      rules: { card_testing: { max_distinct_cards: 3 }, velocity: { enabled: false } },
      alerts: { locale: 'ru' },
    }).expect(200);
    const ip = { ip: '198.51.100.66' };
    const cards = Array.from({ length: 7 }, (_, i) => serialCard(100 + i));
    const outcomes: string[] = [];
    for (const number of cards) {
      const p = await shop
        .post(`/v1/payments/${(await shop.createPayment({ amount: 100 })).id}/confirm`, {
          payment_method: { type: 'card', card: { number, exp_month: 12, exp_year: 2031, cvc: CVC } },
          customer: ip,
        })
        .expect(200);
      outcomes.push(p.body.failure_code);
    }
    assert.deepEqual(outcomes, ['do_not_honor', 'do_not_honor', 'do_not_honor', 'fraud_suspected', 'fraud_suspected', 'fraud_suspected', 'fraud_suspected']);

    const mails = await delivered();
    assert.equal(mails.length, 2, 'one e-mail to the merchant, one to the operator, whatever the number of blocked attempts');
    const toMerchant = mails.find((m) => (m.to as { text: string }).text === 'shop@example.com');
    const toOperator = mails.find((m) => (m.to as { text: string }).text === OPERATOR);
    assert.ok(toMerchant !== undefined && toOperator !== undefined);
    assert.equal(toMerchant.subject, 'Сигнал мониторинга для Tea House: перебор карт с адреса 198.51.100.66');
    assert.match(String(toMerchant.html), /<html lang="ru" dir="ltr">/);
    assert.equal(toOperator.subject, 'Risk alert for Tea House: card testing from 198.51.100.66');
    assert.match(toOperator.text ?? '', /Merchant: Tea House \(mer_/);
    assert.match(toOperator.text ?? '', /3 other cards tried from this IP in the last 3600s/);
    for (const mail of mails) {
      const text = visibleText(mail);
      for (const number of cards) assert.ok(!text.includes(number) && !text.includes(number.slice(0, 6)), 'a card number or BIN in an alert');
      assert.ok(!withoutIds(text).includes(CVC), 'the CVC in an alert');
    }

    // The same pattern later in the window: nothing more.
    clock.advance(20 * 60_000);
    assert.equal((await payAs(shop, serialCard(200), ip, { amount: 100 })).failure_code, 'fraud_suspected');
    assert.deepEqual(await delivered(), []);

    // A window later (the rule's hour has passed too) the attack starts again: one new pair of e-mails.
    clock.advance(61 * 60_000);
    for (let i = 0; i < 3; i++) assert.equal((await payAs(shop, serialCard(300 + i), ip, { amount: 100 })).failure_code, 'do_not_honor');
    assert.equal((await payAs(shop, serialCard(303), ip, { amount: 100 })).failure_code, 'fraud_suspected');
    assert.equal((await delivered()).length, 2);
  });

  it('repeated declines of one card: the card appears as brand and last 4 only', async () => {
    const shop = await newShop('Book Corner');
    await putMerchantRules(t.gateway.app, shop, { alerts: { email_merchant: true } }).expect(200);
    for (let i = 0; i < 5; i++) assert.equal((await payAs(shop, CARDS.doNotHonor, {})).failure_code, 'do_not_honor');
    assert.equal((await payAs(shop, CARDS.doNotHonor, {})).failure_code, 'fraud_suspected');
    assert.equal((await payAs(shop, CARDS.doNotHonor, {})).failure_code, 'fraud_suspected');
    const mails = await delivered();
    assert.equal(mails.length, 2);
    const merchantMail = mails.find((m) => (m.to as { text: string }).text === 'shop@example.com');
    assert.equal(merchantMail?.subject, 'Risk alert for Book Corner: repeated declines of Visa •••• 0002', 'TENDER_EMAIL_LOCALE (en) without an alert locale');
    for (const mail of mails) assert.ok(!visibleText(mail).includes(CARDS.doNotHonor) && !visibleText(mail).includes('400000'));
  });

  it('a burst of blocks: the configured threshold in the window, merchant only when the operator turned its copy off', async () => {
    const shop = await newShop('Flower Stall');
    await putMerchantRules(t.gateway.app, shop, {
      rules: { lists: { block: { emails: ['fraud@example.com'] } } },
      alerts: { patterns: { blocks: { threshold: 3, window_seconds: 600 } } },
    }).expect(200);
    const operatorOff = await t.gateway.container
      .resolve((await import('@tender/core/dist/monitoring/risk-rule-set.service')).RiskRuleSetService)
      .replace({ kind: 'operator' }, { alerts: { email_operator: false } });
    assert.equal((operatorOff.effective as { alerts: { email_operator: boolean } }).alerts.email_operator, false);
    try {
      const blocked = { email: 'fraud@example.com' };
      for (let i = 0; i < 2; i++) assert.equal((await payAs(shop, CARDS.visa, blocked)).failure_code, 'fraud_suspected');
      assert.deepEqual(await delivered(), [], 'two blocks are below the threshold of three');
      assert.equal((await payAs(shop, CARDS.visa, blocked)).failure_code, 'fraud_suspected');
      assert.equal((await payAs(shop, CARDS.visa, blocked)).failure_code, 'fraud_suspected');
      const mails = await delivered();
      assert.deepEqual(
        mails.map((m) => [(m.to as { text: string }).text, m.subject]),
        [['shop@example.com', 'Risk alert for Flower Stall: 3 blocked payments']],
      );
      assert.match(mails[0]?.text ?? '', /at most one such e-mail per 10 minutes/);
    } finally {
      await t.gateway.container
        .resolve((await import('@tender/core/dist/monitoring/risk-rule-set.service')).RiskRuleSetService)
        .replace({ kind: 'operator' }, {});
    }
  });

  it('a merchant cannot switch the operator copy off, and a bad alert setting is a 400 that writes nothing', async () => {
    const shop = await newShop('Corner Shop');
    assert.equal((await putMerchantRules(t.gateway.app, shop, { alerts: { email_operator: false } }).expect(400)).body.error.param, 'alerts.email_operator');
    assert.equal((await putMerchantRules(t.gateway.app, shop, { alerts: { locale: 'xx' } }).expect(400)).body.error.param, 'alerts.locale');
    assert.equal(
      (await putMerchantRules(t.gateway.app, shop, { alerts: { patterns: { blocks: { threshold: 0 } } } }).expect(400)).body.error.param,
      'alerts.patterns.blocks.threshold',
    );
    assert.equal((await shop.get('/v1/risk/rules').expect(200)).body.version, 0);
  });

  it('two gateway processes on one database send one alert for one crossing', async () => {
    const second = await Gateway.create(t.gateway.config, { plugins: [sandboxPlugin], clock });
    try {
      const merchant = await t.createMerchant('Twin Shop');
      const shops = [new MerchantClient(t.gateway.app, merchant.key), new MerchantClient(second.app, merchant.key)];
      await putMerchantRules(t.gateway.app, shops[0], {
        rules: { lists: { block: { ips: ['203.0.113.0/24'] } } },
        alerts: { patterns: { blocks: { threshold: 2 } } },
      }).expect(200);
      const payments = await Promise.all(Array.from({ length: 6 }, () => shops[0].createPayment()));
      const confirm = (i: number) =>
        shops[i % 2]
          .post(`/v1/payments/${payments[i].id}/confirm`, {
            payment_method: { type: 'card', card: { number: CARDS.visa, exp_month: 12, exp_year: 2031, cvc: '123' } },
            customer: { ip: `203.0.113.${i + 1}` },
          })
          .expect(200);
      // MariaDB: all at once through both processes; SQLite (one writer per file): one after another, alternating.
      if (t.database.dialect === 'mysql') await Promise.all(payments.map((_, i) => confirm(i)));
      else for (let i = 0; i < payments.length; i++) await confirm(i);
      const mails = await delivered();
      assert.equal(mails.length, 2, 'merchant and operator, once, for six blocks from two processes');
      for (const mail of mails) assert.match(mail.subject ?? '', /^Risk alert for Twin Shop: \d blocked payments$/);
      assert.equal(Number((await t.gateway.db('risk_alert_marks').where({ merchant_id: merchant.id }).count({ n: '*' }).first())?.n), 1);
    } finally {
      await second.close();
    }
  });
});
