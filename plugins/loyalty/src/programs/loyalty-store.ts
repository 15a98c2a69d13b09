import { Database, MerchantContext, Queryable, TenderError, inTransaction, newId, notFound } from '@tender/core';
import { PointsLedger } from '../ledger/points-ledger';
import { isCardNumber, newCardNumber, normalisedCardNumber } from './card-number';
import { LoyaltyCard, LoyaltyProgram, LoyaltyRule, LoyaltyTier, cardFromRow, programAccepts, programFromRow, ruleFromRow } from './program';

/** What creating a program takes (validated by the routes' schemas). */
export interface NewProgram {
  readonly name: string;
  readonly currency: string;
  readonly point_value: number;
  readonly base_bps: number;
  readonly max_redeem_bps: number;
  readonly expiry_days?: number | undefined;
  readonly rules?:
    | ReadonlyArray<{
        kind: 'bonus' | 'fixed_discount';
        merchant_id?: string | undefined;
        category?: string | undefined;
        bps?: number | undefined;
        amount?: number | undefined;
        min_amount?: number | undefined;
      }>
    | undefined;
  readonly tiers?: ReadonlyArray<{ name: string; min_points: number; bonus_bps: number }> | undefined;
}

/** Who asks: a merchant (its own programs, and the operator's for lookups at checkout) or the operator. */
export type ProgramOwner = { readonly kind: 'merchant'; readonly ctx: MerchantContext } | { readonly kind: 'operator'; readonly livemode: boolean };

const CARD_COLUMNS = ['loyalty_cards.*', 'loyalty_accounts.balance', 'loyalty_accounts.lifetime_points'] as const;

/**
 * Programs, their rules and tiers, and cards, with tenant scoping: a merchant's
 * program is read only with that merchant and mode; the operator's programs
 * (merchant_id null) are read by the operator, and by any merchant of their mode
 * for checkout only.
 *
 * @example
 * ```ts
 * const program = await store.createProgram({ kind: 'merchant', ctx }, input, now);
 * const card = await store.issueCard(program, null, now);
 * ```
 */
export class LoyaltyStore {
  constructor(
    private readonly db: () => Database,
    private readonly ledger: PointsLedger,
  ) {}

  async createProgram(owner: ProgramOwner, input: NewProgram, now: number): Promise<LoyaltyProgram> {
    const id = newId('lp');
    await inTransaction(this.db(), async (trx) => {
      await trx('loyalty_programs').insert({
        id,
        merchant_id: owner.kind === 'merchant' ? owner.ctx.merchantId : null,
        livemode: owner.kind === 'merchant' ? owner.ctx.livemode : owner.livemode,
        name: input.name,
        currency: input.currency,
        point_value: input.point_value,
        base_bps: input.base_bps,
        max_redeem_bps: input.max_redeem_bps,
        expiry_days: input.expiry_days ?? null,
        status: 'active',
        created_at: now,
        updated_at: now,
      });
      for (const kind of ['issued', 'redeemed', 'expired', 'written_off'] as const) await this.ledger.systemAccount(trx, id, kind, now);
      for (const r of input.rules ?? []) {
        await trx('loyalty_rules').insert({
          id: newId('lr'),
          program_id: id,
          kind: r.kind,
          merchant_id: r.merchant_id ?? null,
          category: r.category ?? null,
          bps: r.bps ?? 0,
          amount: r.amount ?? 0,
          min_amount: r.min_amount ?? 0,
          created_at: now,
        });
      }
      for (const t of input.tiers ?? [])
        await trx('loyalty_tiers').insert({ id: newId('lt'), program_id: id, name: t.name, min_points: t.min_points, bonus_bps: t.bonus_bps });
    });
    return (await this.program(owner, id))!;
  }

  /** A program the owner may manage; another merchant's is undefined, as if it did not exist. */
  async program(owner: ProgramOwner, id: string, q: Queryable = this.db()): Promise<LoyaltyProgram | undefined> {
    const row = await this.scoped(q, owner).where({ id }).first();
    return row === undefined ? undefined : programFromRow(row);
  }

  async programs(owner: ProgramOwner): Promise<LoyaltyProgram[]> {
    return (await this.scoped(this.db(), owner).orderBy('created_at', 'desc').limit(200)).map(programFromRow);
  }

  /** Every program, for the operator's console. */
  async allPrograms(): Promise<LoyaltyProgram[]> {
    return (await this.db()('loyalty_programs').orderBy('created_at', 'desc').limit(500)).map(programFromRow);
  }

  async setStatus(owner: ProgramOwner, id: string, status: 'active' | 'paused', now: number): Promise<void> {
    if ((await this.program(owner, id)) === undefined) throw notFound('loyalty program', id);
    await this.db()('loyalty_programs').where({ id }).update({ status, updated_at: now });
  }

  private scoped(q: Queryable, owner: ProgramOwner) {
    return owner.kind === 'merchant'
      ? q('loyalty_programs').where({ merchant_id: owner.ctx.merchantId, livemode: owner.ctx.livemode })
      : q('loyalty_programs').whereNull('merchant_id').where({ livemode: owner.livemode });
  }

  async rules(q: Queryable, programId: string): Promise<LoyaltyRule[]> {
    return (await q('loyalty_rules').where({ program_id: programId }).orderBy('created_at')).map(ruleFromRow);
  }

  async tiers(q: Queryable, programId: string): Promise<LoyaltyTier[]> {
    return (await q('loyalty_tiers').where({ program_id: programId }).orderBy('min_points')).map((r: Record<string, unknown>) => ({
      name: String(r.name),
      minPoints: Number(r.min_points),
      bonusBps: Number(r.bonus_bps),
    }));
  }

  async issueCard(program: LoyaltyProgram, holder: string | null, now: number): Promise<LoyaltyCard> {
    const cardId = newId('lc');
    await inTransaction(this.db(), async (trx) => {
      const accountId = newId('la');
      await trx('loyalty_accounts').insert({
        id: accountId,
        program_id: program.id,
        kind: 'member',
        system_key: null,
        balance: 0,
        lifetime_points: 0,
        version: 0,
        last_activity_at: now,
        created_at: now,
      });
      await trx('loyalty_cards').insert({
        id: cardId,
        program_id: program.id,
        account_id: accountId,
        number: newCardNumber(),
        card_fingerprint: null,
        holder,
        created_at: now,
      });
    });
    return (await this.cardById(this.db(), cardId))!;
  }

  async cardById(q: Queryable, id: string): Promise<LoyaltyCard | undefined> {
    const row = await q('loyalty_cards')
      .join('loyalty_accounts', 'loyalty_accounts.id', 'loyalty_cards.account_id')
      .where('loyalty_cards.id', id)
      .first(...CARD_COLUMNS);
    return row === undefined ? undefined : cardFromRow(row);
  }

  /** A card of one of the owner's programs by its number; another merchant's card is undefined. */
  async cardOf(owner: ProgramOwner, number: string, q: Queryable = this.db()): Promise<{ card: LoyaltyCard; program: LoyaltyProgram } | undefined> {
    const row = await q('loyalty_cards')
      .join('loyalty_accounts', 'loyalty_accounts.id', 'loyalty_cards.account_id')
      .where('loyalty_cards.number', normalisedCardNumber(number))
      .first(...CARD_COLUMNS);
    if (row === undefined) return undefined;
    const program = await this.program(owner, String(row.program_id), q);
    return program === undefined ? undefined : { card: cardFromRow(row), program };
  }

  /**
   * The card a buyer names (by number) or is recognised by (the paying card's
   * fingerprint) for a payment: only programs that accept this payment (the
   * merchant's own, then the operator's, same mode and currency).
   */
  async cardForPayment(
    q: Queryable,
    payment: { merchantId: string; livemode: boolean; currency: string },
    by: { number?: string | undefined; fingerprint?: string | undefined },
  ): Promise<{ card: LoyaltyCard; program: LoyaltyProgram } | undefined> {
    if (by.number !== undefined) {
      const number = normalisedCardNumber(by.number);
      if (!isCardNumber(number)) throw new TenderError('loyalty_card_invalid', { param: 'card' });
      const row = await q('loyalty_cards')
        .join('loyalty_accounts', 'loyalty_accounts.id', 'loyalty_cards.account_id')
        .where('loyalty_cards.number', number)
        .first(...CARD_COLUMNS);
      if (row === undefined) throw new TenderError('loyalty_card_invalid', { param: 'card' });
      const program = programFromRow(await q('loyalty_programs').where({ id: row.program_id }).first());
      if (!programAccepts(program, payment)) throw new TenderError('loyalty_card_not_accepted', { param: 'card' });
      return { card: cardFromRow(row), program };
    }
    if (by.fingerprint === undefined) return undefined;
    const rows = await q('loyalty_cards')
      .join('loyalty_accounts', 'loyalty_accounts.id', 'loyalty_cards.account_id')
      .join('loyalty_programs', 'loyalty_programs.id', 'loyalty_cards.program_id')
      .where('loyalty_cards.card_fingerprint', by.fingerprint)
      .where('loyalty_programs.livemode', payment.livemode)
      .select(...CARD_COLUMNS, 'loyalty_programs.merchant_id as program_merchant_id');
    const candidates = await Promise.all(
      rows.map(async (row: Record<string, unknown>) => ({
        card: cardFromRow(row),
        program: programFromRow(await q('loyalty_programs').where({ id: row.program_id }).first()),
      })),
    );
    const accepted = candidates.filter((c) => programAccepts(c.program, payment));
    return accepted.find((c) => c.program.merchantId !== null) ?? accepted[0];
  }

  /** Links a payment card (its keyed fingerprint) to a loyalty card, so the buyer is recognised when paying with it. */
  async linkFingerprint(card: LoyaltyCard, fingerprint: string): Promise<void> {
    await this.db()('loyalty_cards').where({ id: card.id }).update({ card_fingerprint: fingerprint });
  }

  /**
   * In the confirm transaction: links the paying card when the loyalty card has none
   * yet and no other card of the program has this one (a card is recognised for one
   * member only); otherwise leaves things as they are.
   */
  async linkFingerprintIn(q: Queryable, card: LoyaltyCard, fingerprint: string): Promise<void> {
    if (card.cardFingerprint !== null) return;
    if ((await q('loyalty_cards').where({ program_id: card.programId, card_fingerprint: fingerprint }).first()) !== undefined) return;
    await q('loyalty_cards').where({ id: card.id }).whereNull('card_fingerprint').update({ card_fingerprint: fingerprint });
  }

  async entries(card: LoyaltyCard, limit: number): Promise<Array<Record<string, unknown>>> {
    return this.db()('loyalty_movements').where({ card_id: card.id }).orderBy('created_at', 'desc').orderBy('id').limit(limit);
  }
}
