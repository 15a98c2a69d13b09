import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  assistCheckvalue,
  assistOrderState,
  assistResponseCode,
  checkvalueMatches,
  formatAssistAmount,
  parseAssistAmount,
  requestCheckvalue,
  responseCheckvalue,
} from '@tender/plugin-assist-compat';

/** DOMAIN.md's formula written out step by step, independently of the plugin. */
function expected(salt: string, x: string): string {
  const saltHash = createHash('md5').update(salt, 'utf8').digest('hex');
  const xHash = createHash('md5').update(x, 'utf8').digest('hex');
  const outer = createHash('md5')
    .update((saltHash + xHash).toUpperCase(), 'utf8')
    .digest('hex');
  return outer.toUpperCase();
}

describe('Assist checkvalue', () => {
  // Fixed vectors, computed with Python's hashlib (outside Node) for the same inputs.
  const VECTORS: ReadonlyArray<readonly [string, string, string]> = [
    ['tender-assist-salt', '700123;A-1001;1500.00;RUB', 'D1FE0C32EC907ABCE019499FD1751555'],
    ['tender-assist-salt', '700123A-10011500.00RUBDelayed', '6B5958F4AC8683C6E5048F0525ABEAFB'],
    ['tender-assist-salt', '700123A-10011500.00RUBApproved', '47799C93878343089F272BE2CE1099FC'],
  ];

  for (const [salt, x, value] of VECTORS) {
    it(`signs '${x}'`, () => {
      assert.equal(expected(salt, x), value);
      assert.equal(assistCheckvalue(salt, x), value);
    });
  }

  it('signs requests as Merchant_ID;OrderNumber;OrderAmount;OrderCurrency, values as posted', () => {
    const f = { merchantId: '42', orderNumber: 'Заказ №7', orderAmount: '10.5', orderCurrency: 'USD' };
    assert.equal(requestCheckvalue('секрет', f), expected('секрет', '42;Заказ №7;10.5;USD'));
  });

  it('signs responses as merchant_id + ordernumber + orderamount + ordercurrency + orderstate', () => {
    const f = { merchantId: '42', orderNumber: 'A', orderAmount: '1.500', orderCurrency: 'KWD', orderState: 'PartialCanceled' };
    assert.equal(responseCheckvalue('s', f), expected('s', '42A1.500KWDPartialCanceled'));
  });

  it('compares case-insensitively and refuses any other value', () => {
    const value = expected('s', 'x');
    assert.equal(checkvalueMatches(value, value.toLowerCase()), true);
    assert.equal(checkvalueMatches(value, expected('s', 'y')), false);
    assert.equal(checkvalueMatches(value, value.slice(1)), false);
    assert.equal(checkvalueMatches(value, ''), false);
  });
});

describe('Assist amounts', () => {
  it('converts exactly for 0, 2 and 3 decimal currencies', () => {
    assert.equal(parseAssistAmount('1500', 'RUB'), 150000);
    assert.equal(parseAssistAmount('1500.5', 'RUB'), 150050);
    assert.equal(parseAssistAmount('0.01', 'USD'), 1);
    assert.equal(parseAssistAmount('19.99', 'EUR'), 1999);
    assert.equal(parseAssistAmount('1500', 'JPY'), 1500);
    assert.equal(parseAssistAmount('1.234', 'KWD'), 1234);
    assert.equal(parseAssistAmount('1.2', 'KWD'), 1200);
    assert.equal(formatAssistAmount(150050, 'RUB'), '1500.50');
    assert.equal(formatAssistAmount(1, 'USD'), '0.01');
    assert.equal(formatAssistAmount(1500, 'JPY'), '1500');
    assert.equal(formatAssistAmount(1234, 'KWD'), '1.234');
    assert.equal(formatAssistAmount(5, 'KWD'), '0.005');
  });

  it('refuses more decimals than the currency has, instead of rounding', () => {
    assert.equal(parseAssistAmount('10.005', 'RUB'), undefined);
    assert.equal(parseAssistAmount('10.5', 'JPY'), undefined);
    assert.equal(parseAssistAmount('1.2345', 'KWD'), undefined);
  });

  it('refuses what is not a positive decimal with a dot', () => {
    for (const bad of ['', '0', '0.00', '-1', '1,50', '1e3', '.5', '1.', ' ', 'NaN', '1000000000000000']) {
      assert.equal(parseAssistAmount(bad, 'RUB'), undefined, bad);
    }
    assert.equal(parseAssistAmount('10', 'XXX'), undefined);
  });
});

describe('Assist order states and response codes', () => {
  const facts = (status: string, extra: { amountCaptured?: number; failureCode?: string | null } = {}) => ({
    status,
    amount: 1000,
    amountCaptured: extra.amountCaptured ?? 0,
    failureCode: extra.failureCode ?? null,
  });

  it('maps every Tender status', () => {
    const cases: Array<[string, string, string, { amountCaptured?: number; failureCode?: string | null }?]> = [
      ['pending', 'In Process', 'AS300'],
      ['processing', 'In Process', 'AS300'],
      ['requires_action', 'In Process', 'AS300'],
      ['authorized', 'Delayed', 'AS000'],
      ['captured', 'Approved', 'AS000', { amountCaptured: 1000 }],
      ['captured', 'PartialApproved', 'AS000', { amountCaptured: 400 }],
      ['partially_refunded', 'PartialCanceled', 'AS000', { amountCaptured: 1000 }],
      ['refunded', 'Canceled', 'AS000', { amountCaptured: 1000 }],
      ['canceled', 'Canceled', 'AS000'],
      ['declined', 'Declined', 'AS100', { failureCode: 'do_not_honor' }],
      ['declined', 'Declined', 'AS101', { failureCode: 'invalid_card' }],
      ['declined', 'Declined', 'AS101', { failureCode: 'incorrect_cvc' }],
      ['declined', 'Declined', 'AS102', { failureCode: 'insufficient_funds' }],
      ['declined', 'Declined', 'AS104', { failureCode: 'expired_card' }],
      ['declined', 'Declined', 'AS108', { failureCode: 'fraud_suspected' }],
      ['declined', 'Declined', 'AS110', { failureCode: 'authentication_required' }],
      ['failed', 'Declined', 'AS998', { failureCode: 'processing_error' }],
      ['failed', 'Declined', 'AS998', { failureCode: 'bank_unreachable' }],
    ];
    for (const [status, state, code, extra] of cases) {
      assert.equal(assistOrderState(facts(status, extra)), state, `${status} ${JSON.stringify(extra)}`);
      assert.equal(assistResponseCode(facts(status, extra)), code, `${status} ${JSON.stringify(extra)}`);
    }
  });
});
