import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';
import { merchantAgent } from '../support/web-session';

/** The timeline's entries as the screen lists them: kind and title, oldest first. */
function timelineOf(html: string): string[] {
  return [
    ...html.matchAll(
      /<li class="timeline-[a-z_]+" data-kind="([a-z_]+)">\s*<time datetime="[^"]+">[^<]*<\/time>\s*<span class="kind">[^<]*<\/span>\s*<strong class="what">([^<]*)<\/strong>/g,
    ),
  ].map((m) => `${m[1] ?? ''}: ${m[2] ?? ''}`);
}

/** Issue 25 item 5: the dashboard's times in the merchant's zone and language; a 3-D Secure payment's story in order. */
describe("dashboard: times in the merchant's zone, the 3-D Secure step in the timeline", function () {
  this.timeout(60_000);
  let t: TestGateway;
  let clock: FixedClock;

  before(async () => {
    // 21:05:09 UTC on 4 December is already 5 December in Moscow; the operator's default zone is Dubai.
    clock = new FixedClock(Date.UTC(2026, 11, 4, 21, 5, 9));
    t = await startTestGateway({ clock, env: { TENDER_TIME_ZONE: 'Asia/Dubai' } });
  });
  after(() => t.close());

  it("shows payment times in the merchant's time zone, else the operator's, in the screen's language", async () => {
    const m = await t.createMerchant('Zone Shop');
    const shop = new MerchantClient(t.gateway.app, m.key);
    const paid = await shop.pay(CARDS.mir);
    const web = await merchantAgent(t, { merchantId: m.id });

    // No zone chosen: the operator's (Asia/Dubai, UTC+4).
    let list = (await web.agent.get('/dashboard/payments?lang=en').expect(200)).text;
    assert.match(list, /id="time-zone-note">Times in Asia\/Dubai</);
    assert.match(list, /<td data-label="Created">05\/12\/2026, 01:05<\/td>/);
    assert.match(list, /Mir •••• 0004/, 'the card brand written as the brand');

    // The merchant's own zone, in Russian.
    await t.gateway.db('merchants').where({ id: m.id }).update({ time_zone: 'Europe/Moscow' });
    list = (await web.agent.get('/dashboard/payments?lang=ru').expect(200)).text;
    assert.match(list, /Время указано в поясе Europe\/Moscow/);
    assert.match(list, />05\.12\.2026, 00:05<\/td>/);
    const detail = (await web.agent.get(`/dashboard/payments/${paid.id}?lang=ar`).expect(200)).text;
    assert.match(
      detail,
      /id="payment-created">05\u200f?\/12\u200f?\/2026، 00:05:09 <span class="muted">\(Europe\/Moscow\)<\/span>/,
      'Arabic with Latin digits',
    );
    assert.doesNotMatch(list, /2026-12-04 21:05/, 'no raw UTC timestamp');
  });

  it('tells a 3-D Secure payment in order: the request, the challenge, its outcome, then the bank answer', async () => {
    const m = await t.createMerchant('3DS Shop');
    const shop = new MerchantClient(t.gateway.app, m.key);
    const created = await shop.createPayment({ return_url: 'https://shop.example/return' });
    const token = pageTokenOf(String(created.payment_url));
    assert.equal((await postCard(t.gateway.app, token, CARDS.threeDSecure)).status, 303);
    // The buyer takes a minute over the challenge: the bank's answer comes after it, not at the request's time.
    clock.advance(60_000);
    const challenge = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    const creq = /name="creq" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
    const notification = /name="notification_url" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
    const answer = await request(t.gateway.app)
      .post('/sandbox/3ds/answer')
      .type('form')
      .send({ creq, notification_url: notification, code: '123456' })
      .expect(200);
    const cres = /name="cres" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';
    await request(t.gateway.app).post(notification).type('form').send({ cres }).expect(303);
    assert.equal((await shop.get(`/v1/payments/${String(created.id)}`)).body.status, 'captured');

    const web = await merchantAgent(t, { merchantId: m.id });
    const steps = timelineOf((await web.agent.get(`/dashboard/payments/${String(created.id)}?lang=en`).expect(200)).text);
    const index = (step: string): number => {
      const i = steps.indexOf(step);
      assert.ok(i >= 0, `${step} in ${steps.join(' | ')}`);
      return i;
    };
    const order = [
      'created: payment created',
      'bank: sale: action_required',
      'event: payment.requires_action',
      'three_ds: 3-D Secure: challenge sent to the buyer',
      'three_ds: 3-D Secure: authenticated',
      'bank: sale: succeeded',
      'event: payment.captured',
    ].map(index);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
      steps.join(' | '),
    );
  });
});
