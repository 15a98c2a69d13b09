import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AuthorizationRequest, BankResult, FollowUpRequest, StoredCredential } from '@tender/core';
import { IsoJournal, ReceivedAuthorization } from '@tender/adapter-iso8583';
import { DecodedMessage } from '../support/iso8583-reference-decoder';
import { ISO_TERMS, IsoFixture, startIsoFixture } from '../support/iso-adapter-fixture';
import { TappedIsoFixture, startTappedIsoFixture } from '../support/iso-tapped-fixture';

const CARD = '4242424242424242';
const OTHER_CARD = '5555555555554444';
/** Challenges buyer-present payments only (SIMULATOR_CARDS_MERCHANT_INITIATED). */
const CHALLENGES_BUYER_PRESENT = '4000000000003220';
/** The issuer asks for authentication on every payment, merchant-initiated ones included. */
const CHALLENGES_ALWAYS = '4000002760003184';
const THREE_DS = { transStatus: 'Y', eci: '05', authenticationValue: 'AAABBEg0VhI0VniQEjRWAAAAAAA=' } as const;
/** Fields of every card authorization or purchase (docs/iso8583.md, "Messages"). */
const CARD_FIELDS = [2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 25, 32, 37, 41, 42, 43, 48, 49];

type Approved = Extract<BankResult, { kind: 'approved' }>;

// Issue 20: stored credentials (card on file, merchant-initiated payments) and account
// verification over ISO 8583. Every frame between the adapter and tender-bank-sim (its
// own process, real TCP on loopback) is read through a tap by the independent reference
// decoder, and the simulator's own record of what it received is read over its control port.
describe('ISO 8583 stored credentials and account verification on the wire', () => {
  let io: TappedIsoFixture;
  before(async () => {
    io = await startTappedIsoFixture({ deadlineMs: 2_000, reversalDeadlineMs: 2_000 });
  });
  after(() => io.close());

  const request = (
    card: string,
    storedCredential: StoredCredential | undefined,
    extra: Partial<AuthorizationRequest> = {},
    cvc: string | undefined = '737',
  ): AuthorizationRequest => ({
    reference: `op_cof_${randomBytes(6).toString('hex')}`,
    paymentId: `pay_cof_${randomBytes(4).toString('hex')}`,
    amount: 1_990,
    currency: 'RUB',
    capture: false,
    livemode: true,
    card: { number: card, expMonth: 7, expYear: 2031, cvc, holderName: undefined, ...(storedCredential === undefined ? {} : { storedCredential }) },
    connection: ISO_TERMS,
    ...extra,
  });
  const followUp = (auth: AuthorizationRequest, result: Approved, amount: number): FollowUpRequest => ({
    reference: `op_cof_${randomBytes(6).toString('hex')}`,
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
      cardBin: auth.card.number.slice(0, 6),
      cardLast4: auth.card.number.slice(-4),
    },
  });
  const sentFor = (r: AuthorizationRequest, mti = r.capture && r.verification !== true ? '0200' : '0100'): DecodedMessage => {
    const sent = io.tap
      .of(mti)
      .filter((m) => m.fields.get(2) === r.card.number)
      .at(-1);
    assert.ok(sent !== undefined, `no ${mti} for the card on the wire`);
    return sent;
  };
  const answerTo = (sent: DecodedMessage): DecodedMessage => {
    const answer = io.tap.frames.find(
      (f) =>
        f.direction === 'to_tender' &&
        f.message.fields.get(11) === sent.fields.get(11) &&
        f.message.mti === `${sent.mti.slice(0, 2)}${Number(sent.mti[2]) + 1}0`,
    );
    assert.ok(answer !== undefined, `no answer to ${sent.mti} ${sent.fields.get(11) ?? ''}`);
    return answer.message;
  };
  const received = async (sent: DecodedMessage): Promise<ReceivedAuthorization> => {
    const found = (await io.sim.state()).authorizations.find((a) => a.stan === sent.fields.get(11) && a.rrn === sent.fields.get(37));
    assert.ok(found !== undefined, 'the simulator recorded the request');
    return found;
  };
  const approve = async (r: AuthorizationRequest): Promise<Approved> => {
    const result = await io.adapter.authorize(r);
    assert.equal(result.kind, 'approved', JSON.stringify(result));
    return result;
  };
  const firstPayment = async (card: string, extra: Partial<AuthorizationRequest> = {}): Promise<string> => {
    const result = await approve(request(card, { initiator: 'cardholder', sequence: 'first' }, extra));
    assert.ok(result.networkReference !== undefined, 'an approval carries the network reference');
    return result.networkReference;
  };

  it('sends the first, cardholder-initiated payment as e-commerce marked "stores the card", and returns the network reference the host gave it', async () => {
    const first = request(CARD, { initiator: 'cardholder', sequence: 'first' });
    const result = await approve(first);
    const sent = sentFor(first);
    assert.deepEqual(
      [...sent.fields.keys()].sort((a, b) => a - b),
      CARD_FIELDS,
    );
    assert.equal(sent.fields.get(22), '812', 'PAN entered for e-commerce: the cardholder typed it');
    assert.equal(sent.fields.get(25), '59');
    assert.equal(sent.fields.get(48), 'CV041737SC03CF0', 'the CVV2, and the stored-credential indicator: cardholder, first');
    assert.match(result.networkReference ?? '', /^\d{15}$/);
    assert.equal(answerTo(sent).fields.get(48), `NR15${result.networkReference ?? ''}`, "the network reference came in the answer's private field");
    const seen = await received(sent);
    assert.deepEqual(seen.storedCredential, { initiator: 'cardholder', sequence: 'first' });
    assert.equal(seen.networkReference, result.networkReference);
    assert.equal(seen.cvv2, 'present');
  });

  it("sends a merchant-initiated payment as credential on file with the indicator and the first payment's reference, without CVV2 or 3-D Secure data", async () => {
    const original = await firstPayment(CARD);
    const before = await io.sim.charged(CARD);
    // Even if a caller passed a CVC and an authentication result, an MIT has no cardholder to give them.
    const mit = request(
      CARD,
      { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: original },
      { capture: true, amount: 4_500, authentication: THREE_DS },
    );
    const result = await approve(mit);
    const sent = sentFor(mit);
    assert.equal(sent.mti, '0200');
    assert.deepEqual(
      [...sent.fields.keys()].sort((a, b) => a - b),
      CARD_FIELDS,
    );
    assert.equal(sent.fields.get(22), '102', 'credential on file');
    assert.equal(sent.fields.get(25), '59');
    assert.equal(sent.fields.get(48), `SC03MSROR15${original}`, 'merchant, subsequent, recurring; the original reference; no CV, EC or CA');
    assert.equal(answerTo(sent).fields.get(39), '00');
    assert.ok(result.networkReference !== undefined && result.networkReference !== original, 'the MIT has a network reference of its own');
    const seen = await received(sent);
    assert.deepEqual(seen.storedCredential, { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: original });
    assert.equal(seen.cvv2, 'absent');
    assert.equal(seen.threeDSecure, false);
    assert.equal(await io.sim.charged(CARD), before + 4_500, 'charged once, to the kopeck');

    const unscheduled = request(CARD, { initiator: 'merchant', sequence: 'subsequent', reason: 'unscheduled', originalReference: original }, {}, undefined);
    await approve(unscheduled);
    assert.equal(sentFor(unscheduled).fields.get(48), `SC03MSUOR15${original}`);
  });

  it('sends a one-click payment (cardholder, saved card) as credential on file, with the CVV2 when the cardholder gave it again', async () => {
    const original = await firstPayment(OTHER_CARD);
    const oneClick = request(OTHER_CARD, { initiator: 'cardholder', sequence: 'subsequent', originalReference: original }, {}, '123');
    await approve(oneClick);
    const sent = sentFor(oneClick);
    assert.equal(sent.fields.get(22), '102');
    assert.equal(sent.fields.get(48), `CV041123SC03CS0OR15${original}`);
  });

  it("refuses a merchant-initiated payment without the original reference (30, format error) and one naming another card's payment (12), holding nothing", async () => {
    const before = (await io.sim.state()).accounts[CARD];
    const bare = request(CARD, { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring' }, { capture: true }, undefined);
    const refused = await io.adapter.authorize(bare);
    assert.deepEqual({ kind: refused.kind, rawCode: refused.kind === 'declined' ? refused.rawCode : undefined }, { kind: 'declined', rawCode: '30' });
    const sent = sentFor(bare);
    assert.equal(sent.fields.get(48), 'SC03MSR', 'sent as the merchant gave it: the host decides');
    assert.equal(answerTo(sent).fields.get(39), '30');
    assert.equal(answerTo(sent).fields.has(48), false, 'no network reference for a refusal');
    assert.equal((await received(sent)).responseCode, '30');

    const otherCards = await firstPayment(OTHER_CARD);
    const foreign = request(CARD, { initiator: 'merchant', sequence: 'subsequent', reason: 'unscheduled', originalReference: otherCards }, {}, undefined);
    const wrong = await io.adapter.authorize(foreign);
    assert.deepEqual({ kind: wrong.kind, rawCode: wrong.kind === 'declined' ? wrong.rawCode : undefined }, { kind: 'declined', rawCode: '12' });
    assert.deepEqual((await io.sim.state()).accounts[CARD], before, 'nothing held or charged');
  });

  it('refuses locally, sending nothing, an original reference that cannot travel in the private field', async () => {
    const frames = io.tap.frames.length;
    const result = await io.adapter.authorize(
      request(CARD, { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: 'has a space' }, {}, undefined),
    );
    assert.equal(result.kind, 'declined');
    assert.equal(io.tap.frames.length, frames, 'nothing on the wire');
  });

  it('sends a verification as an account verification (0100, zero amount, 25=51) that holds nothing, and voids it without a 0400', async () => {
    const before = (await io.sim.state()).accounts[OTHER_CARD];
    const verify = request(OTHER_CARD, { initiator: 'cardholder', sequence: 'first' }, { amount: 100, capture: true, verification: true });
    const result = await approve(verify);
    const sent = sentFor(verify);
    assert.equal(sent.mti, '0100', 'an authorization, even if a capture was asked for');
    assert.equal(sent.fields.get(4), '000000000000', 'zero amount on the wire');
    assert.equal(sent.fields.get(25), '51', 'account verification without authorization');
    assert.equal(sent.fields.get(22), '812');
    assert.equal(sent.fields.get(48), 'CV041737SC03CF0', 'the CVV2 is checked, and the card will be stored');
    assert.match(result.networkReference ?? '', /^\d{15}$/, "the verification's reference serves later merchant-initiated payments");
    const seen = await received(sent);
    assert.equal(seen.verification, true);
    assert.equal(seen.amount, 0);
    assert.deepEqual((await io.sim.state()).accounts[OTHER_CARD], before, 'nothing held');

    const reversals = io.tap.of('0400').length;
    const voided = await io.adapter.void(followUp(verify, result, 100));
    assert.equal(voided.kind, 'approved', 'nothing was held, so there is nothing to release at the host');
    assert.equal(io.tap.of('0400').length, reversals, 'no 0400 on the wire');
    const captures = io.tap.of('0220').length;
    assert.equal((await io.adapter.capture(followUp(verify, result, 100))).kind, 'declined', 'a verification cannot be captured');
    assert.equal(io.tap.of('0220').length, captures);

    const later = request(
      OTHER_CARD,
      { initiator: 'merchant', sequence: 'subsequent', reason: 'unscheduled', originalReference: result.networkReference },
      {},
      undefined,
    );
    await approve(later);
  });

  it('has the simulator refuse a zero amount that is not an account verification (13)', async () => {
    const result = await io.adapter.authorize(request(CARD, undefined, { amount: 0 }));
    assert.deepEqual({ kind: result.kind, rawCode: result.kind === 'declined' ? result.rawCode : undefined }, { kind: 'declined', rawCode: '13' });
  });

  it('repeats a merchant-initiated payment as 0101 field for field after a crash between the send and the answer, charged once', async () => {
    const original = await firstPayment(CARD);
    const mit = request(CARD, { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: original }, { amount: 777 }, undefined);
    const first = await approve(mit);
    const sent = sentFor(mit);
    const held = (await io.sim.state()).accounts[CARD].held;
    const recorded = (await io.sim.state()).authorizations.length;
    // The process died after the request went out, before the answer was written.
    await new IsoJournal(io.db).setState(mit.reference, 'sent');
    const again = await approve(mit);
    const repeat = sentFor(mit, '0101');
    assert.deepEqual(new Map([...repeat.fields]), new Map([...sent.fields]), 'the repeat is the request again: indicator, reference, STAN, RRN');
    assert.equal(answerTo(repeat).fields.get(39), '00');
    assert.equal(again.networkReference, first.networkReference, 'the host answers the repeat from its record');
    assert.equal((await io.sim.state()).accounts[CARD].held, held, 'held once');
    assert.equal((await io.sim.state()).authorizations.length, recorded, 'not processed twice');
    const frames = io.tap.frames.length;
    assert.equal(
      (await approve(mit)).networkReference,
      first.networkReference,
      "a retry of the answered request: the journal's answer, network reference included",
    );
    assert.equal(io.tap.frames.length, frames, 'not sent again');
  });

  it('approves a merchant-initiated payment on a card that challenges buyer-present payments only, and declines (1A) one whose issuer always asks', async () => {
    // The first payments were authenticated (a 3-D Secure result in the private field): both approved.
    const buyerPresentOnly = await firstPayment(CHALLENGES_BUYER_PRESENT, { authentication: THREE_DS });
    const always = await firstPayment(CHALLENGES_ALWAYS, { authentication: THREE_DS });
    await approve(
      request(
        CHALLENGES_BUYER_PRESENT,
        { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: buyerPresentOnly },
        {},
        undefined,
      ),
    );
    const asked = await io.adapter.authorize(
      request(CHALLENGES_ALWAYS, { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: always }, {}, undefined),
    );
    assert.deepEqual(
      { kind: asked.kind, reason: asked.kind === 'declined' ? asked.reason : undefined },
      { kind: 'declined', reason: 'authentication_required' },
    );
  });

  it('decoded every frame both ways without a single error', () => {
    assert.deepEqual(io.tap.errors, []);
  });
});

// The same card-on-file exchange in every shipped dialect (BCD, EBCDIC, TPDU, 4-digit
// header): the private field and its `NR` answer travel in each encoding.
for (const dialect of ['iso8583-1987-bcd', 'iso8583-1987-ebcdic', 'iso8583-1987-bcd-tpdu', 'iso8583-1987-ascii4']) {
  describe(`ISO 8583 stored credentials in the ${dialect} dialect`, () => {
    let fixture: IsoFixture;
    before(async () => {
      fixture = await startIsoFixture({ dialect });
    });
    after(() => fixture.close());

    it("returns the first payment's network reference, sends an MIT naming it, and verifies a card with a zero amount", async () => {
      const base = { paymentId: 'pay_cof_dialect', currency: 'RUB', capture: false, livemode: true, connection: ISO_TERMS };
      const cardData = { number: CARD, expMonth: 7, expYear: 2031, holderName: undefined };
      const first = await fixture.adapter.authorize({
        ...base,
        reference: `op_cof_${randomBytes(6).toString('hex')}`,
        amount: 500,
        card: { ...cardData, cvc: '737', storedCredential: { initiator: 'cardholder', sequence: 'first' } },
      });
      assert.equal(first.kind, 'approved');
      const originalReference = first.kind === 'approved' ? first.networkReference : undefined;
      assert.match(originalReference ?? '', /^\d{15}$/);
      const mit = await fixture.adapter.authorize({
        ...base,
        reference: `op_cof_${randomBytes(6).toString('hex')}`,
        amount: 700,
        capture: true,
        card: {
          ...cardData,
          cvc: undefined,
          storedCredential: {
            initiator: 'merchant',
            sequence: 'subsequent',
            reason: 'recurring',
            ...(originalReference === undefined ? {} : { originalReference }),
          },
        },
      });
      assert.equal(mit.kind, 'approved', JSON.stringify(mit));
      const verified = await fixture.adapter.authorize({
        ...base,
        reference: `op_cof_${randomBytes(6).toString('hex')}`,
        amount: 100,
        verification: true,
        card: { ...cardData, cvc: '737' },
      });
      assert.equal(verified.kind, 'approved');
      const [cit, charged, verification] = (await fixture.sim.state()).authorizations;
      assert.deepEqual(
        [
          cit?.storedCredential?.sequence,
          charged?.storedCredential?.originalReference,
          charged?.posEntryMode,
          verification?.amount,
          verification?.posCondition,
        ],
        ['first', originalReference, '102', 0, '51'],
      );
    });
  });
}
