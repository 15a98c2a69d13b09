import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TenderClient } from '@tender/client';
import { type TestGateway, startTestGateway, CARDS, FAST_WEBHOOKS, WebhookReceiver } from '../support/gateway-support';

const MODULE = path.resolve(__dirname, '../../../woocommerce/tender-for-woocommerce.php');

/**
 * Runs the WooCommerce module's two pure functions (signature check, amount
 * conversion) in the PHP CLI against a webhook the gateway really delivered. WordPress
 * and WooCommerce cannot run here: `ABSPATH` and `add_action` are stubbed, so the
 * gateway class itself is only syntax-checked (php -l).
 */
describe('WooCommerce module (shop/woocommerce, PHP CLI)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let receiver: WebhookReceiver;

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    receiver = await new WebhookReceiver().start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  function php(code: string, env: Record<string, string> = {}): string {
    const script = `define('ABSPATH', '/'); function add_action(...$a) {} require ${JSON.stringify(MODULE)}; ${code}`;
    return execFileSync('php', ['-r', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  }

  it('is valid PHP', () => {
    assert.match(execFileSync('php', ['-l', MODULE], { encoding: 'utf8' }), /No syntax errors/);
  });

  it("tender_verify_signature accepts the gateway's own delivery and refuses a changed one", async () => {
    const tender = new TenderClient({ secretKey: (await t.createMerchant()).key, baseUrl: `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}` });
    const endpoint = await tender.webhookEndpoints.create({ url: receiver.url('/?wc-api=tender'), events: ['payment.captured'] });
    const payment = await tender.payments.create({ amount: 2550, currency: 'RUB', order_id: 'wc-1042', metadata: { wc_order_id: '1042' } });
    await tender.payments.confirmWithCard(payment.id, { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' });
    await receiver.until(() => receiver.acknowledged().length === 1, 'the delivery');
    const hook = receiver.received[0]!;
    const check = 'echo tender_verify_signature(getenv("BODY"), getenv("SIG"), getenv("SECRET")) ? "valid" : "invalid";';
    const env = { BODY: hook.body, SIG: String(hook.headers['tender-signature']), SECRET: endpoint.secret! };
    assert.equal(php(check, env), 'valid');
    assert.equal(php(check, { ...env, BODY: hook.body.replace('2550', '2551') }), 'invalid');
    assert.equal(php(check, { ...env, SECRET: 'whsec_other' }), 'invalid');
  });

  it('tender_minor_units converts exactly and refuses sub-minor-unit amounts', () => {
    assert.equal(php('echo tender_minor_units("25.50", "RUB"), ",", tender_minor_units("1500", "JPY"), ",", tender_minor_units("1.234", "KWD");'), '2550,1500,1234');
    assert.equal(php('try { tender_minor_units("10.005", "RUB"); echo "accepted"; } catch (InvalidArgumentException $e) { echo "refused"; }'), 'refused');
  });
});
