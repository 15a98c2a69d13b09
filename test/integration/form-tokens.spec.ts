import assert from 'node:assert/strict';
import { FixedClock } from '@tender/core';
import { FormTokenService } from '@tender/core/dist/pages/form-token.service';
import { TestGateway, startTestGateway } from '../support/test-gateway';

/**
 * The hosted pages' one-time form tokens are stateless until used (an HMAC over
 * nonce, expiry and scope): every way of presenting a token that was not issued
 * for this scope, or is spent or expired, must be refused, and only a use writes.
 */
describe('hosted page form tokens (HMAC, recorded when used)', function () {
  let t: TestGateway;
  let clock: FixedClock;
  let tokens: FormTokenService;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-03-02T09:00:00Z'));
    t = await startTestGateway({ clock });
    tokens = t.gateway.container.resolve(FormTokenService);
  });
  after(() => t.close());

  it('issuing writes nothing; the first use is accepted and recorded, the second refused', async () => {
    const token = tokens.issue('pay_one');
    assert.match(token, /^[0-9a-f]{76}$/);
    assert.equal((await t.gateway.db('page_form_tokens')).length, 0);
    assert.equal(await tokens.consume('pay_one', token), true);
    assert.equal(await tokens.consume('pay_one', token), false);
    assert.equal((await t.gateway.db('page_form_tokens')).length, 1);
  });

  it('refuses a token issued for another payment, a forged one and one that is not a string, writing nothing', async () => {
    const before = (await t.gateway.db('page_form_tokens')).length;
    const token = tokens.issue('pay_two');
    assert.equal(await tokens.consume('pay_other', token), false);
    // A later expiry with the old MAC: the MAC covers the expiry.
    const stretched = `${token.slice(0, 32)}${(parseInt(token.slice(32, 44), 16) + 3_600_000).toString(16).padStart(12, '0')}${token.slice(44)}`;
    assert.equal(await tokens.consume('pay_two', stretched), false);
    assert.equal(await tokens.consume('pay_two', `${token.slice(0, 75)}${token.endsWith('0') ? '1' : '0'}`), false);
    for (const bad of [undefined, 42, '', 'x'.repeat(76), `${token}0`]) assert.equal(await tokens.consume('pay_two', bad), false);
    assert.equal((await t.gateway.db('page_form_tokens')).length, before);
    assert.equal(await tokens.consume('pay_two', token), true, 'the genuine token still works');
  });

  it('refuses a token after its hour, and the purge drops spent tokens that have expired', async () => {
    const token = tokens.issue('pay_three');
    clock.advance(FormTokenService.TTL_MS);
    assert.equal(await tokens.consume('pay_three', token), false);
    // The purge drops what expired strictly before now.
    clock.advance(1);
    assert.ok((await tokens.purgeExpired()) >= 2);
    assert.equal((await t.gateway.db('page_form_tokens')).length, 0);
  });
});
