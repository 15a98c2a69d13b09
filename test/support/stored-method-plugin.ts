import { z } from 'zod';
import {
  CardVault,
  Database,
  MethodPartAddon,
  PaymentInstrument,
  PaymentMethod,
  StoredCredential,
  TenderError,
  TenderPlugin,
  definePlugin,
  newId,
  notFound,
} from '@tender/core';

/**
 * A stand-in for a plugin that keeps customers and their stored cards (the real one
 * is plugins/saved-cards, built elsewhere), written only against @tender/core's
 * public surface, to test core's generic extension points for card on file:
 * a CustomerDirectory over its own table, a PaymentMethod with `referencePrefix`
 * 'tpm' (`payment_method: "tpm_..."`), a method-part add-on on the card form (a
 * consent checkbox), its own event types, and an event listener that reads the
 * payment inside the event's transaction (PaymentService.findIn).
 */
export const STORED_PREFIX = 'tpm';
export const STORED_EVENT_TYPES = ['tsm_customer.created', 'tsm_customer.deleted'] as const;

const storedInput = z
  .object({
    id: z.string().regex(/^tpm_[0-9A-Za-z]{1,40}$/, 'must be a stored card id (tpm_...)'),
    cvc: z
      .string()
      .regex(/^\d{3,4}$/)
      .optional(),
  })
  .strict();

/** What the plugin's listener saw of payments, read with findIn inside each event's transaction. */
export interface SeenPayment {
  readonly event: string;
  readonly status: string | undefined;
  readonly networkReference: string | null | undefined;
}

export interface StoredMethodPlugin {
  readonly plugin: TenderPlugin;
  readonly seen: SeenPayment[];
}

export function storedMethodPlugin(options: { readonly addonTemplate?: string } = {}): StoredMethodPlugin {
  const seen: SeenPayment[] = [];
  const plugin = definePlugin({
    name: '@tender-test/plugin-stored-methods',
    version: '0.0.1',
    coreRange: '^0.1.0',
    migrations: [
      {
        name: '001-stored-methods-tables',
        up: async (db) => {
          await db.schema.createTable('tsm_customers', (t) => {
            t.string('id', 40).primary();
            t.string('merchant_id', 40).notNullable();
            t.boolean('livemode').notNullable();
          });
          await db.schema.createTable('tsm_cards', (t) => {
            t.string('id', 40).primary();
            t.string('merchant_id', 40).notNullable();
            t.boolean('livemode').notNullable();
            t.string('customer_id', 40).notNullable();
            t.string('vault_id', 40).notNullable();
            t.string('brand', 20).notNullable();
            t.integer('exp_month').notNullable();
            t.integer('exp_year').notNullable();
            t.string('usage', 16).notNullable();
            t.string('network_reference', 64);
          });
          await db.schema.createTable('tsm_consents', (t) => {
            t.increments('id');
            t.string('payment_id', 40).notNullable();
            t.string('operation_id', 40).notNullable();
            t.string('usage', 16).notNullable();
            t.string('ip', 45);
          });
        },
      },
    ],
    setup(ctx) {
      ctx.registerEventTypes(STORED_EVENT_TYPES);
      ctx.registerCustomerDirectory({
        async exists(q, merchant, id) {
          return (await q('tsm_customers').where({ id, merchant_id: merchant.merchantId, livemode: merchant.livemode }).first()) !== undefined;
        },
      });
      ctx.registerPaymentMethod(
        storedCardMethod(
          () => ctx.core.database,
          () => ctx.core.vault,
        ),
      );
      ctx.registerMethodPartAddon(consentAddon(options.addonTemplate));
      ctx.registerEventListener({
        async onEvent(q, event) {
          if (!event.type.startsWith('payment.')) return;
          const payment = await ctx.core.payments.findIn(q, event, event.objectId);
          seen.push({ event: event.type, status: payment?.status, networkReference: payment?.networkReference });
        },
      });
    },
  });
  return { plugin, seen };
}

/** The stored card method: `{ id: 'tpm_...', cvc? }`, the card revealed from core's vault for the bank. */
function storedCardMethod(database: () => Database, vault: () => CardVault): PaymentMethod<z.output<typeof storedInput>> {
  return {
    type: 'stored_test_card',
    referencePrefix: STORED_PREFIX,
    input: storedInput,
    capability: 'card_authorization',
    async instrument(input, context): Promise<PaymentInstrument> {
      const p = context.payment;
      const row = await database()('tsm_cards').where({ id: input.id, merchant_id: p.merchantId, livemode: p.livemode }).first();
      if (row === undefined) throw notFound('payment_method', input.id);
      if (row.customer_id !== p.customerId) throw new TenderError('payment_method_customer_mismatch', { param: 'payment_method' });
      if (context.offSession && row.usage !== 'off_session') throw new TenderError('payment_method_off_session_not_allowed', { param: 'payment_method' });
      const pan = await vault().reveal(String(row.vault_id), p.merchantId, p.livemode);
      if (pan === undefined) throw notFound('payment_method', input.id);
      const originalReference = row.network_reference === null ? undefined : String(row.network_reference);
      const storedCredential: StoredCredential = context.offSession
        ? { initiator: 'merchant', sequence: 'subsequent', reason: 'unscheduled', ...(originalReference === undefined ? {} : { originalReference }) }
        : { initiator: 'cardholder', sequence: 'subsequent', ...(originalReference === undefined ? {} : { originalReference }) };
      const expMonth = Number(row.exp_month);
      const expYear = Number(row.exp_year);
      return {
        bank: { kind: 'card', card: { number: pan, expMonth, expYear, cvc: input.cvc, holderName: undefined, storedCredential } },
        routing: { brand: String(row.brand), bin: pan.slice(0, 6) },
        authenticable: true,
        paymentMethodId: input.id,
        record: async () => ({
          card_token: String(row.vault_id),
          card_brand: String(row.brand),
          card_bin: pan.slice(0, 6),
          card_last4: pan.slice(-4),
          card_exp_month: expMonth,
          card_exp_year: expYear,
        }),
      };
    },
  };
}

export const CONSENT_TEMPLATE =
  '<label class="field" id="tsm-consent" data-customer="{{addon.customer}}"><input type="checkbox" name="save_card" value="off_session"> {{m.save}} <span id="tsm-note">{{addon.note}}</span></label>';

/** The consent checkbox on the card form, shown when the payment names a customer; recorded in the confirm transaction. */
function consentAddon(template = CONSENT_TEMPLATE): MethodPartAddon {
  return {
    name: 'stored-methods-consent',
    methods: ['card'],
    fields: ['save_card'],
    template,
    messages: {
      en: { save: 'Save this card for later payments' },
      ru: { save: 'Сохранить карту для следующих оплат' },
      ar: { save: 'احفظ هذه البطاقة للمدفوعات اللاحقة' },
    },
    async context(payment) {
      return payment.customerId === null ? undefined : { customer: payment.customerId, note: payment.description ?? '' };
    },
    async submission(posted, facts) {
      if (posted.save_card === 'refuse-me') throw new TenderError('parameter_invalid', { param: 'save_card', message: 'refused by the add-on' });
      if (posted.save_card !== 'off_session') return {};
      return {
        setupFutureUsage: 'off_session',
        record: async (trx, recorded) => {
          await trx('tsm_consents').insert({ payment_id: recorded.payment.id, operation_id: recorded.operationId, usage: 'off_session', ip: facts.ip ?? null });
        },
      };
    },
  };
}

/** A customer of the stand-in plugin. */
export async function addCustomer(db: Database, merchantId: string, livemode = false): Promise<string> {
  const id = newId('cus');
  await db('tsm_customers').insert({ id, merchant_id: merchantId, livemode });
  return id;
}

/** Stores a card for a customer the way a card-on-file plugin does: the PAN in core's vault, its facts in its own row. */
export async function storeCard(
  db: Database,
  vault: CardVault,
  card: { merchantId: string; customerId: string; pan: string; livemode?: boolean; usage?: 'on_session' | 'off_session'; networkReference?: string },
): Promise<{ id: string; vaultId: string }> {
  const livemode = card.livemode ?? false;
  const stored = await vault.store(db, { merchantId: card.merchantId, livemode, pan: card.pan });
  const id = newId(STORED_PREFIX);
  await db('tsm_cards').insert({
    id,
    merchant_id: card.merchantId,
    livemode,
    customer_id: card.customerId,
    vault_id: stored.id,
    brand: 'visa',
    exp_month: 12,
    exp_year: new Date().getUTCFullYear() + 3,
    usage: card.usage ?? 'off_session',
    network_reference: card.networkReference ?? null,
  });
  return { id, vaultId: stored.id };
}
