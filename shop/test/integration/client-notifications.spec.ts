import assert from 'node:assert/strict';
import { TenderApiError, TenderClient, verifyWebhookSignature } from '@tender/client';
import { type TestGateway, startTestGateway, CARDS, FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/gateway-support';

/**
 * The client's events and webhook-endpoint methods against a live gateway whose
 * dispatcher really POSTs to a loopback receiver (private addresses allowed, test
 * mode). Payments are completed with the direct confirm API and the sandbox card: the
 * hosted page is not part of this branch.
 */
describe('@tender/client: events and webhook endpoints against a live gateway', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let tender: TenderClient;
  let receiver: WebhookReceiver;
  const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    const port = (await t.gateway.listen(0, '127.0.0.1')).port;
    tender = new TenderClient({ secretKey: (await t.createMerchant()).key, baseUrl: `http://127.0.0.1:${port}` });
    receiver = await new WebhookReceiver().start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  it('verifyWebhookSignature accepts what the gateway itself signed, before and after a rotation', async () => {
    const endpoint = await tender.webhookEndpoints.create({ url: receiver.url(), events: ['payment.captured'] });
    assert.match(endpoint.secret ?? '', /^whsec_/);
    const payment = await tender.payments.create({ amount: 2500, currency: 'RUB', order_id: 'client-hooks-1' });
    await tender.payments.confirmWithCard(payment.id, card);
    await receiver.until(() => receiver.acknowledged().length === 1, 'the first delivery');
    const first = receiver.received[0]!;
    assert.ok(verifyWebhookSignature(first.body, String(first.headers['tender-signature']), endpoint.secret!));
    assert.equal(verifyWebhookSignature(first.body, String(first.headers['tender-signature']), 'whsec_wrong'), false);
    assert.equal(verifyWebhookSignature(first.body.replace('2500', '2501'), String(first.headers['tender-signature']), endpoint.secret!), false);

    const rotated = await tender.webhookEndpoints.rotateSecret(endpoint.id, { expires_in_hours: 1 });
    assert.notEqual(rotated.secret, endpoint.secret);
    assert.ok(rotated.previous_secret_expires_at !== null);
    const second = await tender.payments.create({ amount: 300, currency: 'RUB', order_id: 'client-hooks-2' });
    await tender.payments.confirmWithCard(second.id, card);
    await receiver.until(() => receiver.acknowledged().length === 2, 'the delivery after rotation');
    const hook = receiver.received[receiver.received.length - 1]!;
    const header = String(hook.headers['tender-signature']);
    assert.ok(verifyWebhookSignature(hook.body, header, rotated.secret!), 'new secret');
    assert.ok(verifyWebhookSignature(hook.body, header, endpoint.secret!), 'old secret during the overlap');
    await tender.webhookEndpoints.delete(endpoint.id);
  });

  it('lists, retrieves and redelivers events; lists endpoints and their deliveries; deletes', async () => {
    const endpoint = await tender.webhookEndpoints.create({ url: receiver.url('/second'), events: ['payment.*'], description: 'client test' });
    assert.equal(endpoint.description, 'client test');
    const payment = await tender.payments.create({ amount: 4100, currency: 'RUB', order_id: 'client-hooks-3' });
    await tender.payments.confirmWithCard(payment.id, card);

    const events = await tender.events.list({ object_id: payment.id });
    assert.ok(events.data.every((e) => e.data.object.id === payment.id));
    assert.ok(events.data.some((e) => e.type === 'payment.created'));
    const captured = events.data.find((e) => e.type === 'payment.captured')!;
    assert.equal(captured.data.object.id, payment.id);
    const one = await tender.events.retrieve(captured.id);
    assert.equal(one.id, captured.id);
    assert.deepEqual((await tender.events.list({ type: 'payment.captured', limit: 1 })).data.length, 1);

    const listed = await tender.webhookEndpoints.list();
    assert.ok(listed.data.some((e) => e.id === endpoint.id));
    assert.equal((await tender.webhookEndpoints.retrieve(endpoint.id)).secret, undefined, 'the secret is shown only once');

    await eventually(async () => (await tender.webhookEndpoints.deliveries(endpoint.id)).data.some((d) => d.event_id === captured.id && d.status === 'delivered'), 'the captured event delivered');
    const redelivery = await tender.events.redeliver(captured.id, { endpoint: endpoint.id });
    assert.equal(redelivery.event_id, captured.id);
    assert.equal(redelivery.delivery_ids.length, 1);
    await eventually(async () => (await tender.webhookEndpoints.deliveries(endpoint.id)).data.some((d) => d.id === redelivery.delivery_ids[0] && d.status === 'delivered'), 'the redelivery delivered');
    const deliveries = await tender.webhookEndpoints.deliveries(endpoint.id, { limit: 100 });
    const redelivered = deliveries.data.find((d) => d.id === redelivery.delivery_ids[0])!;
    assert.equal(redelivered.attempts[0]?.status_code, 200);

    const deleted = await tender.webhookEndpoints.delete(endpoint.id);
    assert.equal(deleted.deleted, true);
    await assert.rejects(tender.webhookEndpoints.retrieve(endpoint.id), (e: unknown) => e instanceof TenderApiError && e.status === 404);
    await assert.rejects(tender.webhookEndpoints.create({ url: receiver.url(), events: ['no.such_event'] }), (e: unknown) => e instanceof TenderApiError && e.code === 'parameter_invalid');
  });
});
