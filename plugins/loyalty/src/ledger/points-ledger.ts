import { Queryable, TenderError, forUpdate, isUniqueViolation, newId, toMinorUnits } from '@tender/core';

/** A program's own accounts: the other side of members' points. */
export type SystemAccountKind = 'issued' | 'redeemed' | 'expired' | 'written_off';
export type MovementKind = 'accrual' | 'redemption' | 'reversal' | 'return' | 'expiry';

/** One leg of a movement: signed points on an account. */
export interface LedgerLeg {
  readonly accountId: string;
  readonly points: number;
}

/** What a movement is about; `idempotencyKey` makes recording it twice a no-op. */
export interface MovementFacts {
  readonly programId: string;
  readonly cardId: string;
  readonly kind: MovementKind;
  readonly points: number;
  readonly discount?: number;
  readonly merchantId: string | null;
  readonly livemode: boolean;
  readonly paymentId: string | null;
  readonly reversesId?: string;
  readonly idempotencyKey: string;
  readonly now: number;
}

/**
 * The points ledger. `post` writes one movement and its legs in the caller's
 * transaction: the legs must sum to zero; each account is read under a row lock
 * and updated with a version check, and a member account that would go below
 * zero refuses the whole movement (`loyalty_insufficient_points`). A movement
 * whose idempotency key exists already is not written again (false).
 *
 * @example
 * ```ts
 * await ledger.post(trx, { programId, cardId, kind: 'accrual', points: 120, ... }, [
 *   { accountId: member, points: 120 }, { accountId: issued, points: -120 },
 * ]);
 * ```
 */
export class PointsLedger {
  async post(q: Queryable, facts: MovementFacts, legs: readonly LedgerLeg[]): Promise<boolean> {
    if (legs.reduce((sum, l) => sum + l.points, 0) !== 0 || legs.some((l) => !Number.isSafeInteger(l.points)))
      throw new Error("a movement's entries must be integers summing to zero");
    if (await q('loyalty_movements').where({ idempotency_key: facts.idempotencyKey }).first()) return false;
    const id = newId('lm');
    try {
      await this.insertMovement(q, id, facts);
    } catch (error) {
      // The same movement recorded meanwhile by a concurrent handler: nothing more to do.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    // Locks in a stable order (by id), so two movements on the same accounts cannot deadlock.
    for (const leg of [...legs].sort((a, b) => a.accountId.localeCompare(b.accountId))) {
      if (leg.points === 0) continue;
      await this.move(q, leg, facts);
      await q('loyalty_entries').insert({ movement_id: id, account_id: leg.accountId, points: leg.points });
    }
    return true;
  }

  private async insertMovement(q: Queryable, id: string, facts: MovementFacts): Promise<void> {
    await q('loyalty_movements').insert({
      id,
      program_id: facts.programId,
      card_id: facts.cardId,
      kind: facts.kind,
      points: facts.points,
      discount: facts.discount ?? 0,
      merchant_id: facts.merchantId,
      livemode: facts.livemode,
      payment_id: facts.paymentId,
      reverses_id: facts.reversesId ?? null,
      idempotency_key: facts.idempotencyKey,
      created_at: facts.now,
    });
  }

  private async move(q: Queryable, leg: LedgerLeg, facts: MovementFacts): Promise<void> {
    const account = await forUpdate(q, q('loyalty_accounts').where({ id: leg.accountId })).first();
    if (account === undefined) throw new Error(`loyalty account ${leg.accountId} does not exist`);
    const balance = toMinorUnits(account.balance) + leg.points;
    if (account.kind === 'member' && balance < 0) {
      throw new TenderError('loyalty_insufficient_points', {
        message: `The loyalty card has ${toMinorUnits(account.balance)} points; ${-leg.points} were asked for.`,
      });
    }
    const accrued = facts.kind === 'accrual' && leg.points > 0 ? leg.points : 0;
    const updated = await q('loyalty_accounts')
      .where({ id: leg.accountId, version: Number(account.version) })
      .update({ balance, lifetime_points: toMinorUnits(account.lifetime_points) + accrued, version: Number(account.version) + 1, last_activity_at: facts.now });
    // The version check: a concurrent writer moved the account since it was read.
    if (updated !== 1) throw new TenderError('loyalty_ledger_busy');
  }

  /** A program's own account of `kind`, created on first use. */
  async systemAccount(q: Queryable, programId: string, kind: SystemAccountKind, now: number): Promise<string> {
    const key = `${programId}:${kind}`;
    const found = await q('loyalty_accounts').where({ system_key: key }).first();
    if (found !== undefined) return String(found.id);
    const id = newId('la');
    await q('loyalty_accounts').insert({
      id,
      program_id: programId,
      kind,
      system_key: key,
      balance: 0,
      lifetime_points: 0,
      version: 0,
      last_activity_at: now,
      created_at: now,
    });
    return id;
  }
}
