import assert from 'node:assert/strict';
import { FixedClock, TenderPlugin, definePlugin } from '@tender/core';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { ISO_LINK_MIGRATIONS, Iso8583BankAdapter } from '@tender/adapter-iso8583';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { BankSimProcess } from '../support/bank-sim-process';
import { WireTap } from '../support/iso8583-wire-tap';
import { DecodedMessage } from '../support/iso8583-reference-decoder';

// Issue 20 end to end: a live merchant whose payments are routed to tender-bank-sim (its
// own process, real TCP through a tap read by the independent decoder) saves a buyer's
// card on a first payment (setup_future_usage) and later charges it merchant-initiated
// over the API; the wire shows the stored-credential indicator and the first payment's
// network reference.
describe('ISO 8583: a saved card charged merchant-initiated through the gateway', function () {
  let t: TestGateway;
  let sim: BankSimProcess;
  let tap: WireTap;
  let shop: MerchantClient;
  const clock = new FixedClock(Date.UTC(2026, 11, 4, 9, 0));

  before(async () => {
    sim = await BankSimProcess.start();
    const tapped = await WireTap.start(sim.port);
    tap = tapped.tap;
    const plugins: TenderPlugin[] = [
      sandboxPlugin,
      savedCardsPlugin,
      definePlugin({
        name: 'iso-to-sim',
        version: '0.0.0',
        coreRange: '*',
        // The adapter's tables, as @tender/adapter-iso8583 (not loaded here) would make them.
        migrations: [...ISO_LINK_MIGRATIONS],
        setup: (ctx) =>
          ctx.registerBankAdapter(
            new Iso8583BankAdapter({
              host: '127.0.0.1',
              port: tapped.port,
              database: ctx.core.database,
              poolSize: 1,
              deadlineMs: 2_000,
              reversalDeadlineMs: 2_000,
              reversalRepeatMs: 600_000,
              reconnectInitialMs: 50,
            }),
          ),
      }),
    ];
    t = await startTestGateway({ plugins, clock, dashboard: false });
    const merchant = await t.createMerchant();
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: clock.now() });
    const live = await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' });
    shop = new MerchantClient(t.gateway.app, live.key);
    await t.gateway.container.resolve(BankConnectionRepository).create(
      t.gateway.db,
      {
        merchantId: merchant.id,
        livemode: true,
        currencies: ['RUB'],
        bankCode: 'sim',
        adapterCode: 'iso8583',
        bankMerchantId: 'SIM-M-1',
        terminalId: 'TS000001',
      },
      clock.now(),
    );
  });
  after(async () => {
    await t.close();
    await tap.close();
    await sim.stop();
  });

  /** The last card authorization or purchase for the card on the wire. */
  const lastSent = (pan: string): DecodedMessage => {
    const sent = tap.frames
      .filter(
        (f) =>
          f.direction === 'to_bank' &&
          (f.message.mti === '0100' || f.message.mti === '0200') &&
          f.message.fields.get(2) === pan &&
          f.message.fields.get(3) === '000000',
      )
      .at(-1);
    assert.ok(sent !== undefined, 'a card authorization on the wire');
    return sent.message;
  };

  it('saves the card on a first payment marked "stores the card", then charges it merchant-initiated with the indicator and the first payment\'s network reference', async () => {
    const customer = (await shop.post('/v1/customers', { email: 'buyer@example.test', name: 'Buyer' }).expect(201)).body as { id: string };

    const payment = await shop.createPayment({ amount: 1_500, customer: customer.id, setup_future_usage: 'off_session' });
    const paid = (await shop.post(`/v1/payments/${payment.id}/confirm`, card(CARDS.visa)).expect(200)).body as { status: string };
    assert.equal(paid.status, 'captured');
    const first = lastSent(CARDS.visa);
    assert.equal(first.fields.get(22), '812', 'the buyer typed the card');
    assert.equal(first.fields.get(48), 'CV041123SC03CF0', 'the CVV2, and the indicator: cardholder-initiated, first use of the credential');
    const firstRow = (await t.gateway.db('payments').where({ id: payment.id }).first()) as { network_reference: string | null };
    const seen = (await sim.state()).authorizations.find((a) => a.stan === first.fields.get(11));
    assert.ok(seen?.networkReference !== undefined);
    assert.equal(firstRow.network_reference, seen.networkReference, 'the network reference from the answer is kept on the payment');

    const methods = (await shop.get(`/v1/customers/${customer.id}/payment_methods`).expect(200)).body as {
      data: Array<{ id: string; usage: string; card: { last4: string } }>;
    };
    assert.equal(methods.data.length, 1);
    const saved = methods.data[0];
    assert.equal(saved.usage, 'off_session');
    assert.equal(saved.card.last4, '4242');

    const before = await sim.charged(CARDS.visa);
    const mit = (
      await shop
        .post('/v1/payments', {
          amount: 990,
          currency: 'RUB',
          order_id: 'renewal-1',
          customer: customer.id,
          payment_method: saved.id,
          off_session: true,
          confirm: true,
        })
        .expect(201)
    ).body as { id: string; status: string; off_session: boolean; payment_method: string };
    assert.equal(mit.status, 'captured');
    assert.equal(mit.off_session, true);
    assert.equal(mit.payment_method, saved.id);
    const sent = lastSent(CARDS.visa);
    assert.equal(sent.mti, '0200');
    assert.equal(sent.fields.get(4), '000000000990');
    assert.equal(sent.fields.get(22), '102', 'credential on file');
    assert.equal(sent.fields.get(48), `SC03MSUOR15${seen.networkReference}`, 'merchant-initiated, unscheduled, naming the first payment; no CVV2');
    assert.equal(await sim.charged(CARDS.visa), before + 990, 'charged once, to the kopeck');
    const received = (await sim.state()).authorizations.at(-1)!;
    assert.deepEqual(received.storedCredential, {
      initiator: 'merchant',
      sequence: 'subsequent',
      reason: 'unscheduled',
      originalReference: seen.networkReference,
    });
    assert.equal(received.cvv2, 'absent');
    assert.deepEqual(tap.errors, []);
  });

  it('verifies a card for a setup without charging as an account verification (zero amount, 25=51), voided with no 0400, and charges it merchant-initiated naming the verification', async () => {
    const customer = (await shop.post('/v1/customers', { email: 'setup@example.test' }).expect(201)).body as { id: string };
    const reversals = tap.frames.filter((f) => f.message.mti === '0400').length;
    const before = (await sim.state()).accounts[CARDS.mastercard];
    const setup = (
      await shop.post('/v1/setup_attempts', { customer: customer.id, currency: 'RUB', usage: 'off_session', ...card(CARDS.mastercard) }).expect(201)
    ).body as { status: string; payment_method: string };
    assert.equal(setup.status, 'succeeded', JSON.stringify(setup));
    const verification = lastSent(CARDS.mastercard);
    assert.equal(verification.mti, '0100');
    assert.equal(verification.fields.get(4), '000000000000', 'zero amount on the wire');
    assert.equal(verification.fields.get(25), '51', 'account verification');
    assert.equal(verification.fields.get(48), 'CV041123SC03CF0');
    assert.equal(tap.frames.filter((f) => f.message.mti === '0400').length, reversals, 'the void needed no reversal at the host');
    const after = (await sim.state()).accounts[CARDS.mastercard];
    assert.deepEqual(
      { held: after?.held, charged: after?.charged },
      { held: before?.held ?? 0, charged: before?.charged ?? 0 },
      'nothing held, nothing charged',
    );
    const verified = (await sim.state()).authorizations.find((a) => a.stan === verification.fields.get(11));
    assert.equal(verified?.verification, true);

    const mit = (
      await shop
        .post('/v1/payments', {
          amount: 2_500,
          currency: 'RUB',
          order_id: 'topup-1',
          customer: customer.id,
          payment_method: setup.payment_method,
          off_session: true,
          confirm: true,
        })
        .expect(201)
    ).body as { status: string };
    assert.equal(mit.status, 'captured');
    assert.equal(lastSent(CARDS.mastercard).fields.get(48), `SC03MSUOR15${verified?.networkReference ?? ''}`);
  });
});
