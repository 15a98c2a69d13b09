import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AuthorizationRequest, BankResult, Database, FollowUpRequest } from '@tender/core';
import { Iso8583BankAdapter, IsoJournal } from '@tender/adapter-iso8583';
import { BankSimProcess } from '../support/bank-sim-process';
import { WireTap } from '../support/iso8583-wire-tap';
import { DecodedMessage } from '../support/iso8583-reference-decoder';
import { ISO_ACQUIRER_ID, ISO_TERMS } from '../support/iso-adapter-fixture';
import { TappedIsoFixture, startTappedIsoFixture } from '../support/iso-tapped-fixture';

const CARD = '5555555555554444';
const TZ_OFFSET_MOSCOW_MS = 3 * 3_600_000;

type Approved = Extract<BankResult, { kind: 'approved' }>;

/** Field 7 (UTC MMDDhhmmss) moved to Moscow time, as hhmmss and MMDD (Moscow has no DST). */
function moscow(field7: string): { time: string; date: string } {
  const year = new Date().getUTCFullYear();
  const utc = Date.UTC(
    year,
    Number(field7.slice(0, 2)) - 1,
    Number(field7.slice(2, 4)),
    Number(field7.slice(4, 6)),
    Number(field7.slice(6, 8)),
    Number(field7.slice(8, 10)),
  );
  const local = new Date(utc + TZ_OFFSET_MOSCOW_MS).toISOString();
  return { time: local.slice(11, 19).replace(/:/g, ''), date: local.slice(5, 10).replace('-', '') };
}

function present(message: DecodedMessage, expected: readonly number[], what: string): void {
  assert.deepEqual(
    [...message.fields.keys()].sort((a, b) => a - b),
    [...expected].sort((a, b) => a - b),
    `${what} ${message.mti}: fields on the wire`,
  );
}

// Every message type on the wire, decoded by a decoder written from the standard
// (test/support/iso8583-reference-decoder.ts), not by the adapter's packager. The tap is a
// TCP proxy on loopback between the adapter and tender-bank-sim (its own process).
describe('ISO 8583 on the wire, read by an independent decoder', () => {
  let fixture: TappedIsoFixture;
  let db: Database;
  let sim: BankSimProcess;
  let tap: WireTap;
  let adapter: Iso8583BankAdapter;

  before(async () => {
    fixture = await startTappedIsoFixture({ merchantCategoryCode: '5732', acceptor: { name: 'Tender Test Shop', city: 'Moscow', country: 'RU' } });
    ({ db, sim, tap, adapter } = fixture);
  });
  after(() => fixture.close());

  const request = (extra: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
    reference: `op_wire_${randomBytes(6).toString('hex')}`,
    paymentId: 'pay_wire',
    amount: 12_345,
    currency: 'RUB',
    capture: false,
    livemode: true,
    card: { number: CARD, expMonth: 7, expYear: 2031, cvc: '737', holderName: undefined },
    connection: ISO_TERMS,
    ...extra,
  });
  const followUp = (auth: AuthorizationRequest, result: Approved, amount: number): FollowUpRequest => ({
    reference: `op_wire_${randomBytes(6).toString('hex')}`,
    paymentId: auth.paymentId,
    amount,
    currency: 'RUB',
    livemode: true,
    connection: ISO_TERMS,
    original: {
      reference: auth.reference,
      authorizationCode: result.authorizationCode,
      rrn: result.rrn,
      bankReference: result.bankReference,
      amount: auth.amount,
      cardBin: CARD.slice(0, 6),
      cardLast4: CARD.slice(-4),
    },
  });
  const last = (mti: string): DecodedMessage => {
    const all = tap.of(mti);
    assert.ok(all.length > 0, `no ${mti} on the wire`);
    return all[all.length - 1];
  };
  const approve = async (r: AuthorizationRequest): Promise<Approved> => {
    const result = await adapter.authorize(r);
    assert.equal(result.kind, 'approved', JSON.stringify(result));
    return result;
  };

  it('signs on with 0800/0810 carrying field 32, and echoes', async () => {
    await adapter.health();
    const signOn = tap.of('0800').find((m) => m.fields.get(70) === '001');
    assert.ok(signOn !== undefined);
    present(signOn, [7, 11, 32, 70], 'sign-on');
    assert.equal(signOn.fields.get(32), ISO_ACQUIRER_ID);
    assert.ok(
      tap.of('0800').some((m) => m.fields.get(70) === '301'),
      'an echo test',
    );
    assert.equal(last('0810').fields.get(39), '00');
  });

  it('sends an authorization 0100 with card-not-present data, local times and the CVV2 presence, and reads 0110', async () => {
    await approve(request());
    const m = last('0100');
    present(m, [2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 25, 32, 37, 41, 42, 43, 48, 49], 'authorization');
    assert.equal(m.fields.get(2), CARD);
    assert.equal(m.fields.get(3), '000000');
    assert.equal(m.fields.get(4), '000000012345');
    assert.equal(m.fields.get(14), '3107');
    assert.equal(m.fields.get(18), '5732');
    assert.equal(m.fields.get(22), '812');
    assert.equal(m.fields.get(25), '59');
    assert.equal(m.fields.get(32), ISO_ACQUIRER_ID);
    assert.equal(m.fields.get(41), 'T0000001');
    assert.equal(m.fields.get(42), 'MERCHANT0000001');
    assert.equal(m.fields.get(43), 'Tender Test Shop         Moscow       RU');
    assert.equal(m.fields.get(48), 'CV041737');
    assert.equal(m.fields.get(49), '643');
    assert.deepEqual({ time: m.fields.get(12), date: m.fields.get(13) }, moscow(m.fields.get(7)!), 'fields 12/13 are Moscow time, field 7 UTC');
    const answer = last('0110');
    assert.equal(answer.fields.get(39), '00');
    assert.equal(answer.fields.get(11), m.fields.get(11));
  });

  it('passes a 3-D Secure ECI and CAVV in the private field, and says "no CVV2" when there is none', async () => {
    await approve(
      request({
        card: { number: CARD, expMonth: 7, expYear: 2031, cvc: undefined, holderName: undefined },
        authentication: { transStatus: 'Y', eci: '02', authenticationValue: 'AAABBEg0VhI0VniQEjRWAAAAAAA=' },
      }),
    );
    assert.equal(last('0100').fields.get(48), 'CV019EC0202CA28AAABBEg0VhI0VniQEjRWAAAAAAA=');
  });

  it('sends a purchase 0200, a capture 0220 naming the authorization, a void 0400 with its own STAN, PAN and reason, and a refund with its own RRN', async () => {
    const sale = request({ capture: true, amount: 50_000 });
    const sold = await approve(sale);
    present(last('0200'), [2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 25, 32, 37, 41, 42, 43, 48, 49], 'purchase');

    const auth = request({ amount: 7_000 });
    const authorized = await approve(auth);
    const authMessage = last('0100');
    assert.equal((await adapter.capture(followUp(auth, authorized, 6_000))).kind, 'approved');
    const capture = last('0220');
    present(capture, [3, 4, 7, 11, 12, 13, 32, 37, 38, 41, 42, 49, 90], 'capture');
    assert.equal(capture.fields.get(37), authMessage.fields.get(37), 'the completion names the authorization by RRN');
    assert.equal(capture.fields.get(90), `0100${authMessage.fields.get(11)}${authMessage.fields.get(7)}${ISO_ACQUIRER_ID}${'0'.repeat(11)}`);
    assert.equal(last('0230').fields.get(39), '00');

    const held = request({ amount: 3_000 });
    const heldResult = await approve(held);
    const heldMessage = last('0100');
    assert.equal((await adapter.void(followUp(held, heldResult, 3_000))).kind, 'approved');
    const void_ = last('0400');
    present(void_, [2, 3, 4, 7, 11, 12, 13, 32, 37, 38, 39, 41, 42, 49, 90], 'void');
    assert.equal(void_.fields.get(2), CARD, 'the PAN, from the sealed journal');
    assert.equal(void_.fields.get(39), '17', 'reason: customer cancellation');
    assert.notEqual(void_.fields.get(11), heldMessage.fields.get(11), 'its own STAN');
    assert.equal(void_.fields.get(90)!.slice(0, 10), `0100${heldMessage.fields.get(11)}`);
    assert.equal(last('0410').fields.get(39), '00');

    const saleMessage = tap.of('0200').find((m) => m.fields.get(4) === '000000050000')!;
    assert.equal((await adapter.refund({ ...followUp(sale, sold, 20_000), card: undefined })).kind, 'approved');
    const refund = tap.of('0200').at(-1)!;
    present(refund, [2, 3, 4, 7, 11, 12, 13, 32, 37, 38, 41, 42, 49, 90], 'refund');
    assert.equal(refund.fields.get(3), '200000');
    assert.equal(refund.fields.get(2), CARD);
    assert.notEqual(refund.fields.get(37), saleMessage.fields.get(37), 'a refund has its own RRN');
    assert.equal(refund.fields.get(90)!.slice(0, 10), `0200${saleMessage.fields.get(11)}`);
  });

  it('reverses an unanswered authorization with 0400 (own times, PAN, reason 68), then 0420 and 0421 while refused', async () => {
    await sim.faults({ dropNext: 1, refuseReversalsNext: 2 });
    const lost = request({ amount: 999 });
    assert.equal((await adapter.authorize(lost)).kind, 'unknown');
    const original = last('0100');
    const reversal = last('0400');
    present(reversal, [2, 3, 4, 7, 11, 12, 13, 32, 37, 39, 41, 42, 49, 90], 'reversal');
    assert.equal(reversal.fields.get(39), '68');
    assert.equal(reversal.fields.get(2), CARD);
    assert.equal(reversal.fields.get(37), original.fields.get(37), 'names the original by RRN');
    assert.notEqual(reversal.fields.get(11), original.fields.get(11), 'its own STAN');
    assert.deepEqual({ time: reversal.fields.get(12), date: reversal.fields.get(13) }, moscow(reversal.fields.get(7)!), 'its own local time');
    assert.equal(reversal.fields.get(90), `0100${original.fields.get(11)}${original.fields.get(7)}${ISO_ACQUIRER_ID}${'0'.repeat(11)}`);
    assert.equal(last('0410').fields.get(39), '96', 'refused');
    await adapter.repeatReversals();
    await adapter.repeatReversals();
    const advice = last('0420');
    const repeat = last('0421');
    assert.deepEqual(new Map([...repeat.fields]), new Map([...advice.fields]), 'the repeat is the advice again, field for field');
    assert.equal(advice.fields.get(11), reversal.fields.get(11));
    assert.equal(last('0430').fields.get(39), '00');
  });

  it('repeats as 0101 and 0221 with the same fields as the original', async () => {
    const crashed = request({ amount: 4_444 });
    await new IsoJournal(db).open(crashed.reference, crashed.paymentId, '0100', ISO_TERMS, crashed.amount, '643');
    const approved = await approve(crashed);
    const repeat = last('0101');
    assert.equal(repeat.fields.get(4), '000000004444');
    assert.equal(last('0110').fields.get(11), repeat.fields.get(11), 'answered as 0110');
    await sim.faults({ dropNext: 1 });
    const capture = followUp(crashed, approved, 4_444);
    assert.equal((await adapter.capture(capture)).kind, 'unknown');
    assert.equal((await adapter.capture(capture)).kind, 'approved');
    const first = last('0220');
    const again = last('0221');
    assert.deepEqual(new Map([...again.fields]), new Map([...first.fields]));
  });

  it('debits a personal account with field 102 and processing code 002000, refunds it with 200020', async () => {
    const debit = {
      reference: `op_wire_${randomBytes(6).toString('hex')}`,
      paymentId: 'pay_wire_acct',
      amount: 2_705,
      currency: 'RUB',
      capture: true,
      livemode: true,
      connection: ISO_TERMS,
      account: { number: '40817810000000000001', payerId: 'pyr_1', certificateSerial: '01' },
    };
    const result = await adapter.debitAccount(debit);
    assert.equal(result.kind, 'approved', JSON.stringify(result));
    const m = tap.of('0200').at(-1)!;
    present(m, [3, 4, 7, 11, 12, 13, 18, 25, 32, 37, 41, 42, 43, 49, 102], 'account debit');
    assert.equal(m.fields.get(3), '002000');
    assert.equal(m.fields.get(102), '40817810000000000001');
    const refund = {
      reference: `op_wire_${randomBytes(6).toString('hex')}`,
      paymentId: debit.paymentId,
      amount: 705,
      currency: 'RUB',
      livemode: true,
      connection: ISO_TERMS,
      card: undefined,
      original: {
        reference: debit.reference,
        authorizationCode: undefined,
        rrn: undefined,
        bankReference: undefined,
        amount: 2_705,
        cardBin: undefined,
        cardLast4: undefined,
      },
    };
    assert.equal((await adapter.refund(refund)).kind, 'approved');
    const back = tap.of('0200').at(-1)!;
    assert.equal(back.fields.get(3), '200020');
    assert.equal(back.fields.get(102), '40817810000000000001');
    assert.equal(back.fields.has(2), false, 'no card field for an account');
    const account = (await sim.state()).accounts['acct:40817810000000000001'];
    assert.equal(account.charged, 2_000, 'debited 27.05, 7.05 back, to the kopeck');
  });

  it('decoded every frame both ways without a single error', () => {
    assert.deepEqual(tap.errors, []);
    const mtis = new Set(tap.frames.map((f) => f.message.mti));
    for (const mti of ['0800', '0810', '0100', '0101', '0110', '0200', '0210', '0220', '0221', '0230', '0400', '0410', '0420', '0421', '0430'])
      assert.ok(mtis.has(mti), `${mti} seen`);
  });
});
