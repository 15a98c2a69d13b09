import { Payment, Queryable, TenderError, toMinorUnits } from '@tender/core';
import { LoyaltyStore } from '../programs/loyalty-store';
import { LoyaltyCard, LoyaltyProgram, programFromRow } from '../programs/program';
import { accrualBps, accruedPoints, fixedDiscount, maxRedeemablePoints, proportionalShare } from '../programs/points-arithmetic';
import { PointsLedger } from './points-ledger';

/** What core hands an EventListener (the fields read here). */
export interface PaymentEventFacts {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly type: string;
  readonly objectId: string;
}

const GIVE_BACK = new Set(['payment.failed', 'payment.declined', 'payment.canceled']);
const REFUNDED = new Set(['payment.partially_refunded', 'payment.refunded']);

/**
 * Points and payments. At confirm (in its transaction) `redeem` spends points and
 * links the card to the payment; on `payment.captured` points accrue on the
 * captured (net) amount; on a refund the accrual is reversed and the spent points
 * returned in proportion to the refunded amount, cumulatively (floor(total ×
 * refunded / captured) minus what earlier refunds took), so the refunds of a
 * payment together reverse exactly its accrual; on a failure, decline or
 * cancellation the points spent come back. Every movement has an idempotency
 * key, so an event handled twice changes nothing the second time.
 *
 * @example
 * ```ts
 * const discount = await points.redeem(trx, payment, found, 500, amountDue, now);
 * ctx.registerEventListener({ onEvent: (q, event) => points.onEvent(q, event, payments) });
 * ```
 */
export class PaymentPoints {
  constructor(
    private readonly store: LoyaltyStore,
    private readonly ledger: PointsLedger,
  ) {}

  /** The discount for `points` on this payment (and the best fixed discount), after spending them. */
  async redeem(
    q: Queryable,
    payment: Payment,
    found: { card: LoyaltyCard; program: LoyaltyProgram },
    points: number,
    amountDue: number,
    now: number,
  ): Promise<number> {
    const { card, program } = found;
    const rules = await this.store.rules(q, program.id);
    const fixed = Math.min(fixedDiscount(rules, { merchantId: payment.merchantId, category: payment.metadata.category, amount: amountDue }), amountDue - 1);
    if (points > maxRedeemablePoints(program, amountDue, fixed)) throw new TenderError('loyalty_redeem_too_large', { param: 'redeem_points' });
    // Read, then update or insert: a delete of a missing key would take gap locks on MariaDB, which concurrent confirms' inserts deadlock on.
    const linked = await q('loyalty_payment_cards').where({ payment_id: payment.id }).first();
    if (linked === undefined)
      await q('loyalty_payment_cards').insert({ payment_id: payment.id, card_id: card.id, merchant_id: payment.merchantId, livemode: payment.livemode });
    else await q('loyalty_payment_cards').where({ payment_id: payment.id }).update({ card_id: card.id });
    if (points > 0) {
      const redeemed = await this.ledger.systemAccount(q, program.id, 'redeemed', now);
      await this.ledger.post(
        q,
        {
          ...this.about(payment, card, program, now),
          kind: 'redemption',
          points,
          discount: points * program.pointValue,
          idempotencyKey: `redeem:${payment.id}:${payment.version}`,
        },
        [
          { accountId: card.accountId, points: -points },
          { accountId: redeemed, points },
        ],
      );
    }
    return fixed + points * program.pointValue;
  }

  async onEvent(
    q: Queryable,
    event: PaymentEventFacts,
    find: (q: Queryable, event: PaymentEventFacts) => Promise<Payment | undefined>,
    now: number,
  ): Promise<void> {
    if (event.type !== 'payment.captured' && !GIVE_BACK.has(event.type) && !REFUNDED.has(event.type)) return;
    const payment = await find(q, event);
    if (payment === undefined) return;
    const found = await this.cardOfPayment(q, payment);
    if (found === undefined) return;
    if (event.type === 'payment.captured') await this.accrue(q, payment, found, now);
    else if (GIVE_BACK.has(event.type)) await this.giveBackRedemptions(q, payment, found, now);
    else await this.reverseForRefunds(q, payment, found, now);
  }

  private async cardOfPayment(q: Queryable, payment: Payment): Promise<{ card: LoyaltyCard; program: LoyaltyProgram } | undefined> {
    const link = await q('loyalty_payment_cards').where({ payment_id: payment.id, merchant_id: payment.merchantId, livemode: payment.livemode }).first();
    if (link !== undefined) {
      const card = await this.store.cardById(q, String(link.card_id));
      const program = card === undefined ? undefined : await q('loyalty_programs').where({ id: card.programId }).first();
      if (card !== undefined && program !== undefined) return { card, program: programFromRow(program) };
    }
    return payment.cardFingerprint === null ? undefined : this.store.cardForPayment(q, payment, { fingerprint: payment.cardFingerprint });
  }

  private async accrue(q: Queryable, payment: Payment, found: { card: LoyaltyCard; program: LoyaltyProgram }, now: number): Promise<void> {
    const { card, program } = found;
    const rate = accrualBps(
      program,
      await this.store.rules(q, program.id),
      await this.store.tiers(q, program.id),
      { merchantId: payment.merchantId, category: payment.metadata.category },
      card.lifetimePoints,
    );
    const points = accruedPoints(payment.amountCaptured, rate, program.pointValue);
    if (points <= 0) return;
    const issued = await this.ledger.systemAccount(q, program.id, 'issued', now);
    await this.ledger.post(q, { ...this.about(payment, card, program, now), kind: 'accrual', points, idempotencyKey: `accrual:${payment.id}` }, [
      { accountId: card.accountId, points },
      { accountId: issued, points: -points },
    ]);
  }

  /** The payment failed, was declined or canceled: every redemption not yet given back comes back whole. */
  private async giveBackRedemptions(q: Queryable, payment: Payment, found: { card: LoyaltyCard; program: LoyaltyProgram }, now: number): Promise<void> {
    const { card, program } = found;
    const redeemed = await this.ledger.systemAccount(q, program.id, 'redeemed', now);
    for (const m of await this.open(q, payment.id, 'redemption')) {
      const back = toMinorUnits(m.points) - (await this.sum(q, { reverses_id: String(m.id) }));
      if (back <= 0) continue;
      await this.ledger.post(
        q,
        { ...this.about(payment, card, program, now), kind: 'return', points: back, reversesId: String(m.id), idempotencyKey: `undo:${String(m.id)}` },
        [
          { accountId: card.accountId, points: back },
          { accountId: redeemed, points: -back },
        ],
      );
    }
  }

  /**
   * After a refund: points spent come back and the accrual is reversed, both in
   * proportion to the refunded share of the captured amount, cumulatively. A
   * reversal larger than the member's balance (points already spent elsewhere)
   * takes what there is and writes the rest off to the program's written_off
   * account: the balance never goes below zero and the reversal still equals the
   * accrual's share.
   */
  private async reverseForRefunds(q: Queryable, payment: Payment, found: { card: LoyaltyCard; program: LoyaltyProgram }, now: number): Promise<void> {
    const { card, program } = found;
    const about = this.about(payment, card, program, now);
    const spent = (await this.sum(q, { payment_id: payment.id, kind: 'redemption' })) - (await this.sumReversing(q, payment.id));
    const returnTarget = proportionalShare(spent, payment.amountRefunded, payment.amountCaptured);
    const returned = (await this.sum(q, { payment_id: payment.id, kind: 'return' })) - (await this.sumReversing(q, payment.id));
    if (returnTarget > returned) {
      const redeemed = await this.ledger.systemAccount(q, program.id, 'redeemed', now);
      const back = returnTarget - returned;
      await this.ledger.post(q, { ...about, kind: 'return', points: back, idempotencyKey: `return:${payment.id}:${returnTarget}` }, [
        { accountId: card.accountId, points: back },
        { accountId: redeemed, points: -back },
      ]);
    }
    const accrued = await this.sum(q, { payment_id: payment.id, kind: 'accrual' });
    const reverseTarget = proportionalShare(accrued, payment.amountRefunded, payment.amountCaptured);
    const reversed = await this.sum(q, { payment_id: payment.id, kind: 'reversal' });
    if (reverseTarget <= reversed) return;
    const due = reverseTarget - reversed;
    const account = await q('loyalty_accounts').where({ id: card.accountId }).first();
    const taken = Math.min(due, toMinorUnits(account.balance));
    const issued = await this.ledger.systemAccount(q, program.id, 'issued', now);
    const writtenOff = await this.ledger.systemAccount(q, program.id, 'written_off', now);
    await this.ledger.post(q, { ...about, kind: 'reversal', points: due, idempotencyKey: `reversal:${payment.id}:${reverseTarget}` }, [
      { accountId: card.accountId, points: -taken },
      { accountId: writtenOff, points: -(due - taken) },
      { accountId: issued, points: due },
    ]);
  }

  private about(payment: Payment, card: LoyaltyCard, program: LoyaltyProgram, now: number) {
    return { programId: program.id, cardId: card.id, merchantId: payment.merchantId, livemode: payment.livemode, paymentId: payment.id, now };
  }

  private async open(q: Queryable, paymentId: string, kind: string): Promise<Array<Record<string, unknown>>> {
    return q('loyalty_movements').where({ payment_id: paymentId, kind }).orderBy('created_at');
  }

  private async sum(q: Queryable, where: Record<string, string>): Promise<number> {
    const row = await q('loyalty_movements').where(where).sum({ total: 'points' }).first();
    return toMinorUnits(row?.total ?? 0);
  }

  /** Points of returns that undid a whole redemption after a failure (not refund returns). */
  private async sumReversing(q: Queryable, paymentId: string): Promise<number> {
    const row = await q('loyalty_movements').where({ payment_id: paymentId, kind: 'return' }).whereNotNull('reverses_id').sum({ total: 'points' }).first();
    return toMinorUnits(row?.total ?? 0);
  }
}
