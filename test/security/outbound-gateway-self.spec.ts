import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';

/**
 * "A webhook URL cannot point at this gateway" compares where the request would go
 * (address and port), not host names: a developer's shop on the same machine, on
 * another port, is a fine target wherever private addresses are allowed; the
 * gateway's own port under another name is not.
 */
describe('security: a webhook cannot reach the gateway itself, other ports on its host can', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let receiver: WebhookReceiver;

  before(async () => {
    receiver = await new WebhookReceiver().start();
    // The gateway's public URL is on localhost:8080 (nothing listens there in this test).
    t = await startTestGateway({ env: { ...FAST_WEBHOOKS, TENDER_PUBLIC_URL: 'http://localhost:8080', PORT: '8080' } });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Same host')).key);
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  async function register(url: string): Promise<{ status: number; code: string | undefined; id: string | undefined }> {
    const res = await shop.post('/v1/webhook_endpoints', { url, events: ['*'] });
    return { status: res.status, code: res.body.error?.code, id: res.body.id };
  }

  it('accepts the same host on another port (a shop at http://localhost:<port>)', async () => {
    const r = await register(`http://localhost:${receiver.port}/hooks`);
    assert.equal(r.status, 201, String(r.code));
  });

  it('refuses the gateway by its public URL, by another name for the same host, and by address', async () => {
    for (const url of [
      'http://localhost:8080/hooks',
      'http://LOCALHOST:8080/x',
      'http://127.0.0.1:8080/hooks',
      'http://[::ffff:127.0.0.1]:8080/hooks',
      'http://127.1:8080/hooks',
      'http://2130706433:8080/hooks',
    ]) {
      const r = await register(url);
      assert.equal(r.code, 'webhook_url_points_to_gateway', url);
    }
  });

  it('delivers to the shop on the same host (another port)', async () => {
    receiver.received.length = 0;
    t.gateway.startBackgroundJobs();
    await shop.pay(CARDS.visa);
    await receiver.until(() => receiver.received.length > 0, 'a delivery to localhost:<receiver port>');
  });

  it('refuses at connect time when a stored URL reaches the listening gateway', async () => {
    const listening = await startTestGateway({ env: { ...FAST_WEBHOOKS, TENDER_PUBLIC_URL: 'https://pay.example.com' } });
    try {
      const address = await listening.gateway.listen(0, '127.0.0.1');
      const merchant = new MerchantClient(listening.gateway.app, (await listening.createMerchant('Self')).key);
      const ep = (await merchant.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.*'] }).expect(201)).body;
      // As if the name's DNS answer changed to the gateway's own address after registration.
      await listening.gateway
        .db('webhook_endpoints')
        .where({ id: ep.id })
        .update({ url: `http://localhost:${address.port}/v1/payments` });
      await merchant.pay(CARDS.visa);
      await eventually(async () => (await listening.gateway.db('webhook_attempts')).length > 0, 'an attempt');
      const attempts = await listening.gateway.db('webhook_attempts');
      for (const a of attempts) {
        assert.equal(a.status_code, null, 'the gateway answered its own webhook');
        assert.match(String(a.error), /gateway/);
      }
    } finally {
      await listening.close();
    }
  });
});
