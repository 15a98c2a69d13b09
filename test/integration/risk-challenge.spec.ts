import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';

/** A merchant rule that scores 60 on 1500.00 RUB: above challenge (50), below review (75). */
const CHALLENGE_RULES = { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 60 } } };

describe('risk decision challenge through 3-D Secure on the hosted page', () => {
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    t = await startTestGateway();
    const m = await t.createMerchant('Challenge Shop');
    shop = new MerchantClient(t.gateway.app, m.key);
    await request(t.gateway.app).put('/v1/risk/rules').set('Authorization', `Bearer ${m.key}`).send(CHALLENGE_RULES).expect(200);
  });
  after(() => t.close());

  /** Pays on the page with an ordinary card and answers the sandbox ACS with `code`. */
  const payThroughChallenge = async (code: string) => {
    const p = await shop.createPayment();
    const token = pageTokenOf(String(p.payment_url));
    assert.equal((await postCard(t.gateway.app, token, CARDS.visa)).status, 303);
    const held = (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
    assert.equal(held.status, 'requires_action');
    assert.equal(held.risk.decision, 'challenge');
    const challenge = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    const creq = /name="creq" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
    const notification = /name="notification_url" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
    assert.notEqual(creq, '');
    const answer = await request(t.gateway.app).post('/sandbox/3ds/answer').type('form').send({ creq, notification_url: notification, code }).expect(200);
    const cres = /name="cres" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';
    await request(t.gateway.app).post(notification).type('form').send({ cres }).expect(303);
    return (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
  };

  it('sends an ordinary card to requires_action; passing the ACS with 123456 authorizes it', async () => {
    const paid = await payThroughChallenge('123456');
    assert.equal(paid.status, 'captured');
    assert.deepEqual(paid.three_d_secure, { eci: '05', status: 'Y' });
    assert.equal(paid.risk.decision, 'challenge');
    assert.equal(paid.risk.score, 60);
    assert.ok(paid.risk.reasons.some((r: { rule: string; reason: string }) => r.rule === 'engine' && /3-D Secure authentication is requested/.test(r.reason)));
  });

  it('declines it when the buyer fails the ACS, keeping the decision', async () => {
    const failed = await payThroughChallenge('000000');
    assert.equal(failed.status, 'declined');
    assert.equal(failed.failure_code, 'authentication_failed');
    assert.equal(failed.risk.decision, 'challenge');
  });

  it('falls back (review by default) on the API confirm path, which cannot show a challenge', async () => {
    const p = await shop.createPayment();
    const confirmed = (await shop.post(`/v1/payments/${p.id}/confirm`, card(CARDS.visa)).expect(200)).body;
    assert.equal(confirmed.status, 'authorized');
    assert.equal(confirmed.risk.decision, 'review');
    assert.ok(confirmed.risk.reasons.some((r: { rule: string; reason: string }) => r.rule === 'engine' && /fallback 'review'/.test(r.reason)));
  });
});
