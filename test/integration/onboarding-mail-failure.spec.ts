import assert from 'node:assert/strict';
import net from 'node:net';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { apply } from '../support/operator-client';
import { EmailDispatcher } from '@tender/core';

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

  it('stays queued for a retry, is logged, and does not undo the stage change or its event', async () => {
    const m = await apply(t.gateway.app, 'Mailless Shop', 'mailless@shop.example');
    const events = await t.gateway.db('events').where({ merchant_id: m.id, type: 'merchant.application_submitted' });
    assert.equal(events.length, 1);
    // The e-mail was queued in the stage change's transaction; the dispatcher's try fails.
    const queued = await t.gateway.db('email_outbox').where({ merchant_id: m.id });
    assert.equal(queued.length, 1);
    assert.equal(queued[0].recipient, 'mailless@shop.example');
    assert.equal(await t.gateway.container.resolve(EmailDispatcher).runOnce(), 1);
    const after = await t.gateway.db('email_outbox').where({ id: queued[0].id }).first();
    assert.equal(after!.status, 'pending', 'kept for the next try, not given up');
    assert.ok(Number(after!.next_attempt_at) > Number(queued[0].next_attempt_at));
    assert.match(t.logs(), /e-mail not sent/);
    assert.ok(!t.logs().includes(m.key), 'the log never holds a key');
    assert.ok(!String(after!.data).includes(m.key), 'the queued e-mail never holds a key');
  });
});
