import assert from 'node:assert/strict';
import { BREAKER } from '@tender/core';
import { GatewayPair, approved } from '../support/gateway-pair';

interface BreakerRow {
  state: string;
  opened_at: number | string;
  probing_since: number | string | null;
  version: number | string;
}

/**
 * The probe of a half-open breaker is claimed across processes (issue 24 item 2): two
 * real gateway processes on one database, bank "alpha" down as seen from both. Once the
 * breaker is open in both and then half-open, payments sent through both at once let
 * exactly one call through to alpha; its failure reopens the breaker in both, and every
 * payment is paid through "beta".
 *
 * The half-open moment is reached by moving the shared row's `opened_at` back by
 * BREAKER.openMs (a new version, which both processes adopt at their next refresh)
 * rather than by waiting 30 s.
 */
describe('a half-open breaker is probed by one process of several', function () {
  this.timeout(180_000);
  let pair: GatewayPair;
  const row = async (): Promise<BreakerRow> =>
    (await pair.t.gateway.db('breaker_states').where({ connection_id: pair.connections.alpha }).first()) as BreakerRow;
  const inBoth = async (state: string): Promise<boolean> =>
    (await pair.breakerIn(pair.a.url, 'alpha')) === state && (await pair.breakerIn(pair.b.url, 'alpha')) === state;

  before(async () => {
    pair = await GatewayPair.start({ a: { PROBE_BANK_DOWN: '1' }, b: { PROBE_BANK_DOWN: '1' } });
  });
  after(async () => {
    await pair?.close();
  });

  it('opens in both processes, then lets exactly one of the payments sent through both probe the bank', async () => {
    const { a, b } = pair;
    for (let i = 0; i < 12 && (await pair.breakerIn(a.url, 'alpha')) !== 'open'; i++) await pair.pay(a.url, 100 + i);
    assert.equal(await pair.breakerIn(a.url, 'alpha'), 'open');
    await pair.until('process B sees the breaker open', async () => (await pair.breakerIn(b.url, 'alpha')) === 'open');

    const open = await row();
    await pair.t.gateway
      .db('breaker_states')
      .where({ connection_id: pair.connections.alpha, version: Number(open.version) })
      .update({ opened_at: Number(open.opened_at) - BREAKER.openMs, version: Number(open.version) + 1, updated_at: Date.now() });
    await pair.until('both processes see the breaker half-open', () => inBoth('half_open'));

    const paid = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => pair.pay(i % 2 === 0 ? a.url : b.url, 500 + i)));
    for (const p of paid) assert.ok(approved(p.status), `payment ${p.id} is ${p.status}`);
    const attempts = (await Promise.all(paid.map((p) => pair.attempts(p.id)))).flat();
    const calledAlpha = attempts.filter((x) => x.bank === 'alpha' && x.result !== 'skipped');
    assert.equal(calledAlpha.length, 1, `one probe through both processes, not one each: ${JSON.stringify(attempts)}`);
    assert.equal(calledAlpha[0].result, 'technical_failure');

    // The probe failed: the breaker is open again, in both, and the claim is cleared with it.
    await pair.until('both processes see the breaker reopened', () => inBoth('open'));
    const reopened = await row();
    assert.equal(reopened.state, 'open');
    assert.equal(reopened.probing_since, null);
    assert.ok(Number(reopened.version) > Number(open.version) + 1);
    const after = await Promise.all([pair.pay(a.url, 700), pair.pay(b.url, 701)]);
    for (const p of after)
      assert.deepEqual(
        (await pair.attempts(p.id)).map((x) => x.bank),
        ['beta'],
        'alpha left out again',
      );
  });
});
