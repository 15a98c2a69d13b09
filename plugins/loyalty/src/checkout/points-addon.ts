import { AddonSubmission, AddonSubmissionFacts, Database, MethodPartAddon, Payment, TenderError, formatAmount } from '@tender/core';
import { PaymentPoints } from '../ledger/payment-points';
import { LoyaltyStore } from '../programs/loyalty-store';
import { maxRedeemablePoints } from '../programs/points-arithmetic';
import { loyaltyAdjustment } from './loyalty-adjuster';

const TEMPLATE = `<fieldset class="field loyalty-points" id="loyalty-points">
  <legend>{{m.title}}</legend>
  {{#if addon.recognised}}
  <p id="loyalty-balance">{{m.card}} <bdi>{{addon.masked}}</bdi>: {{addon.balance}} {{m.points_unit}}. {{m.up_to}} <bdi>{{addon.max_discount}}</bdi> ({{addon.max_points}} {{m.points_unit}}).</p>
  {{else}}
  <label class="field">{{m.number}} <input name="loyalty_card" id="loyalty-card" inputmode="numeric" autocomplete="off" maxlength="24" value=""></label>
  <label class="field"><input type="checkbox" name="loyalty_link" id="loyalty-link" value="yes"> {{m.link}}</label>
  {{/if}}
  <label class="field">{{m.spend}} <input name="loyalty_points" id="loyalty-spend" inputmode="numeric" autocomplete="off" maxlength="10" value="0"></label>
  <p class="hint">{{m.hint}}</p>
</fieldset>`;

const MESSAGES = {
  en: {
    title: 'Loyalty card',
    card: 'Card',
    points_unit: 'points',
    up_to: 'Points can pay up to',
    number: 'Loyalty card number (optional)',
    spend: 'Points to spend',
    hint: 'Points are taken only if the payment succeeds; a refused or canceled payment gives them back.',
    link: 'Recognise me by this bank card next time',
  },
  ru: {
    title: 'Карта лояльности',
    card: 'Карта',
    points_unit: 'баллов',
    up_to: 'Баллами можно оплатить до',
    number: 'Номер карты лояльности (необязательно)',
    spend: 'Списать баллов',
    hint: 'Баллы списываются только при успешной оплате; при отказе или отмене они возвращаются.',
    link: 'Узнавать меня по этой банковской карте',
  },
  ar: {
    title: 'بطاقة الولاء',
    card: 'البطاقة',
    points_unit: 'نقطة',
    up_to: 'يمكن أن تدفع النقاط حتى',
    number: 'رقم بطاقة الولاء (اختياري)',
    spend: 'النقاط المراد استخدامها',
    hint: 'تُخصم النقاط فقط إذا نجح الدفع؛ وتُعاد إذا رُفض أو أُلغي.',
    link: 'تعرّف عليّ بهذه البطاقة المصرفية في المرة القادمة',
  },
} as const;

/**
 * The "spend points" part of the hosted page's card form (a MethodPartAddon). A
 * buyer the shop recognised (it named the card as `metadata.loyalty_card` when it
 * created the payment) sees the card's last digits, its balance and the most the
 * points can pay; anyone may type a card number instead. The post is checked
 * before the confirm (a wrong number, more points than the balance or the
 * program allows: the form again, nothing written), and the points are spent in
 * the confirm transaction (loyaltyAdjustment).
 *
 * @example
 * ```ts
 * ctx.registerMethodPartAddon(pointsAddon(() => ctx.core.database, store, points));
 * ```
 */
export function pointsAddon(db: () => Database, store: LoyaltyStore, points: PaymentPoints): MethodPartAddon {
  return {
    name: 'loyalty-points',
    methods: ['card'],
    fields: ['loyalty_card', 'loyalty_points', 'loyalty_link'],
    template: TEMPLATE,
    messages: MESSAGES,

    async context(payment: Payment, locale): Promise<Record<string, unknown> | undefined> {
      const recognised = await recognisedCard(db, store, payment);
      if (recognised === undefined) {
        // Shown only when some program takes this payment.
        const any = await db()('loyalty_programs')
          .where({ livemode: payment.livemode, currency: payment.currency, status: 'active' })
          .where((w) => w.whereNull('merchant_id').orWhere('merchant_id', payment.merchantId))
          .first();
        return any === undefined ? undefined : { recognised: false };
      }
      const { card, program } = recognised;
      const maxPoints = Math.min(card.balance, maxRedeemablePoints(program, payment.amountGross, 0));
      return {
        recognised: true,
        masked: `•••• ${card.number.slice(-4)}`,
        balance: card.balance,
        max_points: maxPoints,
        max_discount: formatAmount(maxPoints * program.pointValue, payment.currency, locale),
      };
    },

    async submission(posted: Readonly<Record<string, string>>, facts: AddonSubmissionFacts): Promise<AddonSubmission> {
      const typed = (posted.loyalty_card ?? '').trim();
      const spend = (posted.loyalty_points ?? '0').trim() || '0';
      if (!/^\d{1,9}$/.test(spend)) throw new TenderError('parameter_invalid', { param: 'loyalty_points', message: 'Points to spend must be a whole number.' });
      const redeem = Number(spend);
      const number = typed !== '' ? typed : (await recognisedCard(db, store, facts.payment))?.card.number;
      if (number === undefined) {
        if (redeem > 0) throw new TenderError('loyalty_card_invalid', { param: 'loyalty_card' });
        return {};
      }
      // Checked before the confirm, so a wrong number or too many points show the form again with nothing written.
      const found = await store.cardForPayment(db(), facts.payment, { number });
      if (found !== undefined && redeem > found.card.balance) throw new TenderError('loyalty_insufficient_points', { param: 'loyalty_points' });
      return { adjustment: loyaltyAdjustment(store, points, number, redeem, typed !== '' && posted.loyalty_link === 'yes') };
    },
  };
}

/** The card the shop named for this payment (`metadata.loyalty_card`), when a program taking the payment has it. */
async function recognisedCard(db: () => Database, store: LoyaltyStore, payment: Payment) {
  const named = payment.metadata.loyalty_card;
  if (named === undefined) return undefined;
  try {
    return await store.cardForPayment(db(), payment, { number: named });
  } catch (error) {
    if (error instanceof TenderError) return undefined;
    throw error;
  }
}
