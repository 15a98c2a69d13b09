import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { simpleParser } from 'mailparser';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { SmtpSink } from '../support/smtp-sink';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';

const FAST_MAIL = { TENDER_NOTIFY_POLL_MS: '20', TENDER_EMAIL_RETRY_BASE_MS: '20', TENDER_EMAIL_RETRY_MAX_MS: '100' };

describe('e-mail through a real SMTP server', function () {
  this.timeout(30_000);
  let t: TestGateway;
  let smtp: SmtpSink;
  let shop: MerchantClient;

  before(async () => {
    smtp = await new SmtpSink().start();
    t = await startTestGateway({ env: { ...FAST_MAIL, TENDER_SMTP_URL: smtp.url(), TENDER_MAIL_FROM: 'Tender <no-reply@pay.tender.test>' } });
    t.gateway.startBackgroundJobs();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Book Shop')).key);
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('sends the buyer a receipt when the payment is captured, linking a status page that shows only amount, state, brand and last 4', async () => {
    const p = await shop.pay(CARDS.visa, { customer_email: 'buyer@example.com', order_id: 'ORDER-SECRET-77' });
    assert.equal(p.status, 'captured');
    await eventually(async () => smtp.messages.length === 1, 'the receipt');
    const mail = smtp.messages[0];
    assert.equal(mail.subject, 'Your payment of RUB\u00a01,500.00 to Book Shop');
    assert.equal((mail.to as { text: string }).text, 'buyer@example.com');
    assert.match(mail.from!.text, /no-reply@pay\.tender\.test/);
    assert.match(mail.text ?? '', /RUB\u00a01,500\.00/);
    assert.match(mail.text ?? '', /•••• 4242/);
    const html = String(mail.html);
    assert.ok(!`${mail.text}${html}`.includes(CARDS.visa) && !`${mail.text}${html}`.includes('424242'), 'no PAN or BIN in the e-mail');
    const link = /http:\/\/pay\.tender\.test(\/status\/[^"\s<]+)/.exec(html)?.[1];
    assert.ok(link !== undefined, 'the receipt links the status page');
    assert.ok((mail.text ?? '').includes(link));

    const page = await request(t.gateway.app).get(link).expect(200);
    assert.match(page.headers['content-type'], /text\/html/);
    assert.match(page.text, /RUB\u00a01,500\.00/);
    assert.match(page.text, /Paid/);
    assert.match(page.text, /•••• 4242/);
    for (const secret of ['ORDER-SECRET-77', '424242', 'buyer@example.com', p.id]) assert.ok(!page.text.includes(secret), `status page shows ${secret}`);
    // A forged or altered link is a 404.
    await request(t.gateway.app).get(`/status/${p.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`).expect(404);
    await request(t.gateway.app).get(`/status/${p.id}`).expect(404);
  });

  it("writes the receipt in the payment's own language when the shop chose one (Arabic, right to left)", async () => {
    const before = smtp.messages.length;
    await shop.pay(CARDS.visa, { customer_email: 'arabic@example.com', locale: 'ar' });
    await eventually(async () => smtp.messages.length === before + 1, 'the Arabic receipt');
    const mail = smtp.messages.at(-1)!;
    assert.match(String(mail.html), /dir="rtl"/);
    assert.match(String(mail.html), /lang="ar"/);
  });

  it('sends no receipt without a customer e-mail', async () => {
    const before = smtp.messages.length;
    await shop.pay(CARDS.visa);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(smtp.messages.length, before);
  });

  it('an SMTP server that refuses at first still gets the mail later', async () => {
    const before = smtp.messages.length;
    smtp.refuseNext = 2;
    await shop.pay(CARDS.visa, { customer_email: 'patient@example.com' });
    await eventually(async () => smtp.messages.length === before + 1, 'the receipt after two refusals');
    assert.equal(smtp.refused, 2);
    assert.equal((smtp.messages.at(-1)!.to as { text: string }).text, 'patient@example.com');
    // The server has accepted it; the dispatcher records that a moment later.
    const db = t.gateway.db;
    await eventually(async () => (await db('email_outbox').where({ recipient: 'patient@example.com' }).first())!.status === 'sent', 'the message marked sent');
    const row = await db('email_outbox').where({ recipient: 'patient@example.com' }).first();
    assert.equal(Number(row!.attempt_count), 3);
  });
});

describe('e-mail without SMTP: .eml files, and the failing-endpoint notice', function () {
  this.timeout(30_000);

  it('writes the merchant notice about a failing webhook endpoint as an .eml file under <data dir>/mail', async () => {
    const receiver = await new WebhookReceiver().start();
    receiver.answer = () => 500;
    // A retry window of 0: the first failed attempt is final.
    const t = await startTestGateway({ env: { ...FAST_WEBHOOKS, ...FAST_MAIL, TENDER_WEBHOOK_RETRY_WINDOW_MS: '0', TENDER_EMAIL_LOCALE: 'ru' } });
    try {
      t.gateway.startBackgroundJobs();
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      const endpoint = (await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.created'] }).expect(201)).body;
      await shop.createPayment();
      const dir = path.join(t.dataDir, 'mail');
      await eventually(async () => fs.existsSync(dir) && fs.readdirSync(dir).length === 1, 'one .eml file');
      const file = fs.readdirSync(dir)[0];
      assert.match(file, /\.eml$/);
      const mail = await simpleParser(fs.readFileSync(path.join(dir, file)));
      assert.equal((mail.to as { text: string }).text, 'shop@example.com');
      assert.equal(mail.subject, 'Ваш адрес для вебхуков не отвечает');
      assert.ok((mail.text ?? '').includes(endpoint.id));
      const delivery = (await shop.get(`/v1/webhook_endpoints/${endpoint.id}/deliveries`).expect(200)).body.data[0];
      assert.equal(delivery.status, 'failed');
      assert.equal(receiver.received.length, 1);
    } finally {
      await t.close();
      await receiver.close();
    }
  });
});
