import assert from 'node:assert/strict';
import net from 'node:net';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { apply } from '../support/operator-client';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('onboarding e-mail that cannot be sent', function () {
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway({ captureLogs: true, env: { TENDER_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` } });
  });
  after(() => t.close());

  it('is logged and does not undo the stage change or its event', async () => {
    const m = await apply(t.gateway.app, 'Mailless Shop', 'mailless@shop.example');
    const events = await t.gateway.db('events').where({ merchant_id: m.id, type: 'merchant.application_submitted' });
    assert.equal(events.length, 1);
    assert.match(t.logs(), /onboarding e-mail not sent/);
    assert.ok(!t.logs().includes(m.key), 'the log never holds a key');
  });
});
