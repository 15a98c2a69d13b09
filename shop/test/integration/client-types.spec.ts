import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TenderClient, Payment } from '@tender/client';
import { type TestGateway, startTestGateway, CARDS } from '../support/gateway-support';

// The generator of the client's types, from the repository root's build (as gateway-support loads the gateway).
const { typeScriptTypes } = require(path.resolve(__dirname, '../../../../core/dist/http/openapi/typescript-types.js')) as { typeScriptTypes(doc: unknown): string };
const COMMITTED = path.resolve(__dirname, '../../../client/src/generated/api-types.ts');

describe('@tender/client types match the gateway it talks to', function () {
  let t: TestGateway;
  let base: string;

  before(async () => {
    t = await startTestGateway();
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
  });
  after(() => t.close());

  it('the committed types are what the served /openapi.json generates', async () => {
    const doc: unknown = await (await fetch(`${base}/openapi.json`)).json();
    assert.equal(fs.readFileSync(COMMITTED, 'utf8'), typeScriptTypes(doc), 'run npm run generate:client-types at the repository root');
  });

  it('a payment read through the client has customer_email, risk, locale and three_d_secure', async () => {
    const tender = new TenderClient({ secretKey: (await t.createMerchant()).key, baseUrl: base });
    const created = await tender.payments.create({ amount: 2500, currency: 'EUR', order_id: 'types-1', customer_email: 'buyer@example.com', locale: 'en' });
    const paid: Payment = await tender.payments.confirmWithCard(created.id, { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' });
    assert.equal(paid.customer_email, 'buyer@example.com');
    assert.equal(paid.locale, 'en');
    assert.equal(typeof paid.risk?.score, 'number');
    assert.ok(paid.three_d_secure === null || typeof paid.three_d_secure.status === 'string');
  });
});
