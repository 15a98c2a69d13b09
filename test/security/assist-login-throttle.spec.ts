import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { ASSIST, enableAssist } from '../support/assist-shop';
import { FormPost, ServedApp, burstPastTheLimit, serveCounting } from '../support/attempt-burst';

/** docs/assist-migration.md: 10 wrong Login/Password per Merchant_ID and client address within 15 minutes lock them. */
const PER_MERCHANT_AND_ADDRESS = 10;

interface AssistAnswer {
  firstcode: number;
  secondcode: number;
}

/**
 * Issue 16, item 5: 25 wrong Assist API passwords in 1.35 s, no lockout. The API calls
 * that take Login and Password (orderstate, charge, wscancel) now go through the
 * gateway's attempt limiter, like dashboard sign-in. Runs on SQLite and MariaDB.
 */
describe('security: Assist API Login/Password throttling', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let served: ServedApp;
  let nextAssistId = 700_300;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, createAssistPlugin({ intervalMs: 60_000 })] });
    served = await serveCounting(t.gateway.app);
  });
  after(async () => {
    await served.close();
    await t.close();
  });

  /** A merchant with Assist on under a Merchant_ID of its own. */
  async function assistMerchant(): Promise<string> {
    const merchant = await t.createMerchant();
    const id = String(nextAssistId++);
    await enableAssist(t.gateway.app, merchant.id, { assist_merchant_id: Number(id) });
    return id;
  }

  function call(path: string, merchantId: string, password: string, extra: Record<string, string> = {}): Promise<AssistAnswer> {
    return (
      request(served.url)
        .post(path)
        .type('form')
        .send({ Merchant_ID: merchantId, Login: ASSIST.login, Password: password, Format: '5', ...extra })
        .expect(200)
        // JSON answers sit under the endpoint's own root (orderstate, charge, wscancel).
        .then((r) => Object.values(r.body as Record<string, AssistAnswer>)[0])
    );
  }

  it('25 wrong passwords in a row lock the Merchant_ID: then the right one is refused on every operation', async () => {
    const id = await assistMerchant();
    const answers: AssistAnswer[] = [];
    for (let i = 0; i < 25; i++) answers.push(await call('/orderstate/orderstate.cfm', id, `wrong-password-${i}`));
    assert.ok(
      answers.every((a) => a.firstcode === 2),
      'every wrong password is an access error',
    );
    const checked = answers.filter((a) => a.secondcode === 2).length;
    assert.ok(checked <= PER_MERCHANT_AND_ADDRESS, `${checked} passwords were checked; at most ${PER_MERCHANT_AND_ADDRESS} may be`);
    assert.deepEqual(
      answers.slice(PER_MERCHANT_AND_ADDRESS).map((a) => a.secondcode),
      Array(25 - PER_MERCHANT_AND_ADDRESS).fill(3),
      'the rest are answered "locked" (2/3)',
    );
    for (const path of ['/orderstate/orderstate.cfm', '/charge/charge.cfm', '/cancel/wscancel.cfm']) {
      const locked = await call(path, id, ASSIST.password, { Billnumber: 'pay_doesnotexist' });
      assert.deepEqual([locked.firstcode, locked.secondcode], [2, 3], `${path} with the right password while locked`);
    }
  });

  it('50 parallel calls (49 wrong passwords, then the right one) past the limit: the right one is refused', async () => {
    const id = await assistMerchant();
    const post = (password: string): FormPost => ({
      target: served,
      path: '/orderstate/orderstate.cfm',
      form: { Merchant_ID: id, Login: ASSIST.login, Password: password, Format: '5' },
    });
    const raw = await burstPastTheLimit(
      Array.from({ length: 49 }, (_, i) => post(`wrong-password-${i}`)),
      post(ASSIST.password),
    );
    const answers = raw.map((a) => (JSON.parse(a.body) as { orderstate: AssistAnswer }).orderstate);
    const checked = answers.filter((a) => a.secondcode !== 3).length;
    assert.ok(checked <= PER_MERCHANT_AND_ADDRESS, `${checked} passwords were checked; at most ${PER_MERCHANT_AND_ADDRESS} may be`);
    assert.equal(answers.filter((a) => a.firstcode === 0).length, 0, 'no call succeeds past the limit');
  });

  it('a shop that polls with the right password is never locked, and one locked Merchant_ID leaves the others alone', async () => {
    const id = await assistMerchant();
    for (let i = 0; i < 40; i++) assert.equal((await call('/orderstate/orderstate.cfm', id, ASSIST.password)).firstcode, 0, `call ${i}`);
    const other = await assistMerchant();
    for (let i = 0; i < PER_MERCHANT_AND_ADDRESS + 2; i++) await call('/orderstate/orderstate.cfm', other, 'wrong-password');
    assert.equal((await call('/orderstate/orderstate.cfm', other, ASSIST.password)).firstcode, 2);
    assert.equal((await call('/orderstate/orderstate.cfm', id, ASSIST.password)).firstcode, 0);
  });
});
