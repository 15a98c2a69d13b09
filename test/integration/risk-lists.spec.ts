import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules, putOperatorRules } from '../support/risk-helpers';

describe('transaction monitoring: lists and BIN country', function () {
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway();
  });
  after(() => t.close());

  async function newShop(): Promise<MerchantClient> {
    return new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  }

  it('blocks IPs by address and by IPv4 and IPv6 ranges', async () => {
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, { rules: { lists: { block: { ips: ['203.0.113.0/25', '2001:db8:abcd::/48', '198.51.100.7'] } } } }).expect(200);
    const outcome = async (ip: string) => (await payAs(shop, CARDS.visa, { ip })).failure_code ?? 'passed';
    assert.equal(await outcome('203.0.113.1'), 'fraud_suspected');
    assert.equal(await outcome('203.0.113.127'), 'fraud_suspected');
    assert.equal(await outcome('203.0.113.128'), 'passed', 'outside the /25');
    assert.equal(await outcome('2001:db8:abcd:12::1'), 'fraud_suspected');
    assert.equal(await outcome('2001:db8:abce::1'), 'passed');
    assert.equal(await outcome('::ffff:203.0.113.5'), 'fraud_suspected', 'an IPv4-mapped IPv6 address is the IPv4 address');
    assert.equal(await outcome('198.51.100.7'), 'fraud_suspected');
    assert.equal(await outcome('198.51.100.8'), 'passed');
  });

  it('blocks e-mails, BIN prefixes and card fingerprints; the allow list beats scores but not a block', async () => {
    const shop = await newShop();
    const first = await payAs(shop, CARDS.mastercard, {});
    const fingerprint = String((await t.gateway.db('risk_assessments').where({ payment_id: first.id }).first())!.card_fingerprint);
    await putMerchantRules(t.gateway.app, shop, {
      rules: {
        lists: { block: { emails: ['Fraud@Example.com'], bins: ['2200'], cards: [fingerprint] }, allow: { emails: ['vip@example.com'] } },
        amount: { max_amounts: { RUB: 1000 } },
      },
    }).expect(200);
    const p = await payAs(shop, CARDS.visa, { email: 'fraud@example.com' }, { amount: 500 });
    assert.equal(p.failure_code, 'fraud_suspected');
    assert.match(p.risk.reasons[0]?.reason ?? '', /e-mail is on the block list/);
    assert.equal((await payAs(shop, CARDS.mir, {}, { amount: 500 })).failure_code, 'fraud_suspected', 'BIN 220000 starts with 2200');
    assert.equal((await payAs(shop, CARDS.mastercard, {}, { amount: 500 })).failure_code, 'fraud_suspected', 'the card by fingerprint');
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 5000 })).failure_code, 'fraud_suspected', 'over the amount limit');
    assert.equal((await payAs(shop, CARDS.visa, { email: 'VIP@example.com' }, { amount: 5000 })).status, 'captured', 'allow-listed');
    assert.equal(
      (await payAs(shop, CARDS.mastercard, { email: 'vip@example.com' }, { amount: 500 })).failure_code,
      'fraud_suspected',
      'a block list match wins over the allow list',
    );
  });

  it('operator lists apply to every merchant', async () => {
    await putOperatorRules(t.gateway.app, { rules: { lists: { block: { ips: ['192.0.2.0/24'] } } } }).expect(200);
    const shop = await newShop();
    assert.equal((await payAs(shop, CARDS.visa, { ip: '192.0.2.200' })).failure_code, 'fraud_suspected');
    await putOperatorRules(t.gateway.app, {}).expect(200);
    assert.equal((await payAs(shop, CARDS.visa, { ip: '192.0.2.200' })).status, 'captured', 'a new version replaces the old');
  });

  it('BIN country vs IP country with the shipped sample mapping', async () => {
    const sample = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'risk-bin-country.sample.json'), 'utf8'));
    await putOperatorRules(t.gateway.app, sample).expect(200);
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, { challenge_fallback: 'block' }).expect(200);
    // 424242 is mapped to GB and 2200 to RU in the sample; 203.0.113.0/24 to RU and 198.51.100.0/24 to GB.
    const mismatch = await payAs(shop, CARDS.visa, { ip: '203.0.113.10' });
    assert.equal(mismatch.failure_code, 'fraud_suspected');
    assert.match(mismatch.risk.reasons[0]?.reason ?? '', /card issued in GB, buyer IP in RU/);
    assert.equal((await payAs(shop, CARDS.visa, { ip: '198.51.100.10' })).status, 'captured');
    assert.equal((await payAs(shop, CARDS.mir, { ip: '203.0.113.10' })).status, 'captured');
    assert.equal((await payAs(shop, CARDS.visa, { ip: '192.0.2.10' })).status, 'captured', 'an unmapped IP says nothing');
    await putOperatorRules(t.gateway.app, {}).expect(200);
  });

  it('refuses a malformed customer on confirm and writes nothing', async () => {
    const shop = await newShop();
    const p = await shop.createPayment();
    const bad = await shop
      .post(`/v1/payments/${p.id}/confirm`, {
        payment_method: { type: 'card', card: { number: CARDS.visa, exp_month: 12, exp_year: 2031, cvc: '123' } },
        customer: { ip: '300.1.1.1' },
      })
      .expect(400);
    assert.equal(bad.body.error.param, 'customer.ip');
    assert.deepEqual(await t.gateway.db('risk_assessments').where({ payment_id: p.id }), []);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.risk, null);
  });
});
