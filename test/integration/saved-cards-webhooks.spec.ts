import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver } from '../support/webhook-receiver';
import { createCustomer, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';

describe("saved cards: the plugin's events reach webhook endpoints", function () {
  this.timeout(30_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let receiver: WebhookReceiver;

  before(async () => {
    t = await startSavedCardsGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Hook Shop')).key);
    receiver = await new WebhookReceiver().start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  it('delivers customer.* and payment_method.* to an endpoint subscribed by pattern, signed, with the object and no PAN', async () => {
    await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['customer.*', 'payment_method.*'] }).expect(201);
    const customer = await createCustomer(shop);
    const { pm } = await saveCardViaApi(shop, customer, CARDS.visa, 'off_session');
    await request(t.gateway.app).delete(`/v1/payment_methods/${pm}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    await receiver.until(() => receiver.acknowledged().length === 3, 'three deliveries');
    const bodies = receiver.received.map((h) => JSON.parse(h.body) as { type: string; data: { object: { id: string } } });
    assert.deepEqual(bodies.map((b) => b.type).sort(), ['customer.created', 'payment_method.attached', 'payment_method.detached']);
    assert.equal(bodies.find((b) => b.type === 'payment_method.attached')?.data.object.id, pm);
    for (const hook of receiver.received) {
      assert.ok(typeof hook.headers['tender-signature'] === 'string', 'signed');
      assert.equal(hook.body.includes(CARDS.visa), false);
    }
    // payment.* was not subscribed: the payment's own events are not delivered here.
    assert.equal(
      bodies.some((b) => b.type.startsWith('payment.')),
      false,
    );
  });
});
