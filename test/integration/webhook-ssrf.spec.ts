import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { WebhookReceiver, eventually } from '../support/webhook-receiver';
import { OutboundHttpClient, WebhookUrlGuard, loadConfig } from '@tender/core';

describe('webhook URLs: server-side request forgery guard', function () {
  this.timeout(30_000);
  let t: TestGateway;
  let shop: MerchantClient;
  before(async () => {
    // Private targets are NOT allowed here (TENDER_OUTBOUND_ALLOW_PRIVATE unset).
    t = await startTestGateway({ env: { TENDER_NOTIFY_POLL_MS: '20', TENDER_WEBHOOK_RETRY_BASE_MS: '20', TENDER_WEBHOOK_RETRY_MAX_MS: '50' } });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(async () => t.close());

  async function refused(url: string, code: string): Promise<void> {
    const before = Number((await t.gateway.db('webhook_endpoints').count({ n: '*' }))[0]?.n);
    const res = await shop.post('/v1/webhook_endpoints', { url, events: ['*'] }).expect(400);
    assert.equal(res.body.error.code, code, url);
    assert.equal(res.body.error.param, 'url');
    assert.equal(Number((await t.gateway.db('webhook_endpoints').count({ n: '*' }))[0]?.n), before, 'nothing written');
  }

  it('refuses a non-http(s) scheme', () => refused('ftp://93.184.216.34/hooks', 'webhook_url_scheme_unsupported'));
  it('refuses file: URLs', () => refused('file:///etc/passwd', 'webhook_url_scheme_unsupported'));
  it('refuses the gateway itself (TENDER_PUBLIC_URL host)', () => refused('https://pay.tender.test/v1/payments', 'webhook_url_points_to_gateway'));
  it('refuses IPv4 loopback', () => refused('http://127.0.0.1:8080/hooks', 'webhook_url_private_address'));
  it('refuses loopback written as a decimal number', () => refused('http://2130706433/hooks', 'webhook_url_private_address'));
  it('refuses RFC 1918 10/8', () => refused('http://10.1.2.3/hooks', 'webhook_url_private_address'));
  it('refuses RFC 1918 172.16/12', () => refused('http://172.20.0.1/hooks', 'webhook_url_private_address'));
  it('refuses RFC 1918 192.168/16', () => refused('https://192.168.1.10/hooks', 'webhook_url_private_address'));
  it('refuses carrier-grade NAT 100.64/10', () => refused('https://100.64.0.1/hooks', 'webhook_url_private_address'));
  it('refuses link-local (cloud metadata)', () => refused('http://169.254.169.254/latest/meta-data', 'webhook_url_private_address'));
  it('refuses IPv4 multicast', () => refused('http://224.0.0.1/hooks', 'webhook_url_private_address'));
  it('refuses the unspecified IPv4 address', () => refused('http://0.0.0.0/hooks', 'webhook_url_private_address'));
  it('refuses IPv6 loopback', () => refused('http://[::1]/hooks', 'webhook_url_private_address'));
  it('refuses the unspecified IPv6 address', () => refused('http://[::]/hooks', 'webhook_url_private_address'));
  it('refuses IPv6 link-local', () => refused('http://[fe80::1]/hooks', 'webhook_url_private_address'));
  it('refuses IPv6 unique local', () => refused('http://[fd00::1]/hooks', 'webhook_url_private_address'));
  it('refuses IPv6 multicast', () => refused('http://[ff02::1]/hooks', 'webhook_url_private_address'));
  it('refuses IPv4-mapped IPv6 loopback', () => refused('http://[::ffff:127.0.0.1]/hooks', 'webhook_url_private_address'));
  it('refuses a name that resolves to loopback (after DNS resolution: localhost via /etc/hosts)', () =>
    refused('http://localhost:8080/hooks', 'webhook_url_private_address'));
  it('refuses a name that does not resolve', () => refused('https://no-such-host.invalid/hooks', 'webhook_url_unresolvable'));

  it('accepts a public address', async () => {
    const res = await shop.post('/v1/webhook_endpoints', { url: 'https://93.184.216.34/hooks', events: ['*'] }).expect(201);
    assert.equal(res.body.url, 'https://93.184.216.34/hooks');
  });

  it('checks again at delivery time: a stored private URL is not called', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const m = await t.createMerchant('Rebinding');
      const rebinding = new MerchantClient(t.gateway.app, m.key);
      // As if the rules or the DNS answer changed after registration.
      const ep = (await rebinding.post('/v1/webhook_endpoints', { url: 'https://93.184.216.34/hooks', events: ['*'] }).expect(201)).body;
      await t.gateway.db('webhook_endpoints').where({ id: ep.id }).update({ url: receiver.url() });
      const ep2 = (await rebinding.post('/v1/webhook_endpoints', { url: 'https://93.184.216.35/hooks', events: ['*'] }).expect(201)).body;
      await t.gateway
        .db('webhook_endpoints')
        .where({ id: ep2.id })
        .update({ url: `http://localhost:${receiver.port}/hooks` });
      t.gateway.startBackgroundJobs();
      await rebinding.pay(CARDS.visa);
      await eventually(
        async () => (await t.gateway.db('webhook_attempts').where('error', 'like', 'refused%')).length > 0,
        'a refused attempt (literal address)',
      );
      await eventually(
        async () => (await t.gateway.db('webhook_attempts').where('error', 'like', '%private or reserved%')).length > 0,
        'a refused attempt (resolved name)',
      );
      assert.equal(receiver.received.length, 0);
    } finally {
      await receiver.close();
    }
  });

  it('allows private targets only in test mode and only with TENDER_OUTBOUND_ALLOW_PRIVATE=true', async () => {
    const allowing = new WebhookUrlGuard(
      OutboundHttpClient.create(loadConfig({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'true', TENDER_PUBLIC_URL: 'https://pay.example.com' })),
    );
    assert.equal((await allowing.checkRegistration('http://127.0.0.1:9/x', { livemode: false })).hostname, '127.0.0.1');
    await assert.rejects(allowing.checkRegistration('http://127.0.0.1:9/x', { livemode: true }), { code: 'webhook_url_private_address' });
    await assert.rejects(allowing.checkRegistration('https://pay.example.com/x', { livemode: false }), { code: 'webhook_url_points_to_gateway' });
    const strict = new WebhookUrlGuard(OutboundHttpClient.create(loadConfig({ TENDER_PUBLIC_URL: 'https://pay.example.com' })));
    await assert.rejects(strict.checkRegistration('http://127.0.0.1:9/x', { livemode: false }), { code: 'webhook_url_private_address' });
  });
});
