import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createDatabase } from '@tender/core';
import { backfillRiskBuckets } from '@tender/core/dist/monitoring/risk-bucket-backfill';

const BATCH = 1000;

/**
 * Writes `count` finished payments of history for one merchant straight into the
 * database with multi-row INSERTs (the API would take hours for a million): per
 * payment, the captured payment row, its vaulted card, its settled sale operation,
 * its payment.captured event and its risk assessment, shaped like the rows the
 * gateway writes (their risk buckets come after, from backfillHistoryBuckets). Order ids
 * start with `history-`, so the correctness check never counts them.
 *
 * @example
 * ```ts
 * const seconds = await populateHistory(db.url, merchantId, 10_000, (done) => log(`${done} written`));
 * ```
 */
export async function populateHistory(databaseUrl: string, merchantId: string, count: number, onProgress: (done: number) => void): Promise<number> {
  const started = Date.now();
  const c = await mysql.createConnection({ uri: databaseUrl, charset: 'utf8mb4' });
  try {
    await c.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    const tag = randomBytes(3).toString('hex');
    const now = Date.now();
    for (let from = 0; from < count; from += BATCH) {
      const n = Math.min(BATCH, count - from);
      const payments: unknown[][] = [];
      const cards: unknown[][] = [];
      const operations: unknown[][] = [];
      const events: unknown[][] = [];
      const assessments: unknown[][] = [];
      for (let i = from; i < from + n; i++) {
        const suffix = `${tag}${i.toString(36).padStart(8, '0')}${randomBytes(6).toString('hex')}`;
        const at = now - (count - i) * 1000;
        const paymentId = `pay_h${suffix}`;
        const cardId = `card_h${suffix}`;
        const payment = {
          id: paymentId,
          merchant_id: merchantId,
          livemode: 0,
          status: 'captured',
          amount: 150000,
          amount_captured: 150000,
          amount_refunded: 0,
          amount_refund_pending: 0,
          currency: 'RUB',
          order_id: `history-${i}`,
          description: 'benchmark history',
          capture_method: 'automatic',
          page_token: `h${suffix}${randomBytes(8).toString('hex')}`,
          card_token: cardId,
          card_brand: 'visa',
          card_bin: '424242',
          card_last4: '4242',
          card_exp_month: 12,
          card_exp_year: 2030,
          card_fingerprint: randomBytes(32).toString('hex'),
          version: 2,
          created_at: at,
          updated_at: at,
        };
        payments.push(Object.values(payment));
        cards.push([
          cardId,
          merchantId,
          0,
          payment.card_fingerprint,
          'v1',
          randomBytes(60).toString('base64'),
          randomBytes(12).toString('base64'),
          randomBytes(16).toString('base64'),
          randomBytes(16).toString('base64'),
          at,
        ]);
        operations.push([
          `op_h${suffix}`,
          paymentId,
          merchantId,
          0,
          'sale',
          'sandbox',
          150000,
          'RUB',
          'succeeded',
          '123456',
          '000000123456',
          'sbx_000000123456',
          1,
          at,
          at,
        ]);
        events.push([`evt_h${suffix}`, merchantId, 0, 'payment.captured', 'payment', paymentId, JSON.stringify({ object: payment }), at]);
        // Risk history: what the rules' aggregates read on every confirm.
        assessments.push([
          `rsk_h${suffix}`,
          merchantId,
          0,
          paymentId,
          payment.card_fingerprint,
          '424242',
          `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          null,
          150000,
          'RUB',
          0,
          'allow',
          'allow',
          'allow',
          '[]',
          'operator:0,merchant:1',
          'approved',
          at,
          at,
        ]);
      }
      await c.query(
        'INSERT INTO payments (id, merchant_id, livemode, status, amount, amount_captured, amount_refunded, amount_refund_pending, currency, order_id, description, capture_method, page_token, card_token, card_brand, card_bin, card_last4, card_exp_month, card_exp_year, card_fingerprint, version, created_at, updated_at) VALUES ?',
        [payments],
      );
      await c.query('INSERT INTO card_vault (id, merchant_id, livemode, fingerprint, key_version, wrapped_key, iv, tag, ciphertext, created_at) VALUES ?', [
        cards,
      ]);
      await c.query(
        'INSERT INTO bank_operations (id, payment_id, merchant_id, livemode, kind, adapter_code, amount, currency, status, authorization_code, rrn, bank_reference, tries, created_at, updated_at) VALUES ?',
        [operations],
      );
      await c.query('INSERT INTO events (id, merchant_id, livemode, type, object_type, object_id, data, created_at) VALUES ?', [events]);
      await c.query(
        'INSERT INTO risk_assessments (id, merchant_id, livemode, payment_id, card_fingerprint, card_bin, ip, email, amount, currency, score, decision, dry_run_decision, action, reasons, rule_set_versions, outcome, created_at, updated_at) VALUES ?',
        [assessments],
      );
      if ((from + n) % 50_000 === 0 || from + n === count) onProgress(from + n);
    }
  } finally {
    await c.end();
  }
  return (Date.now() - started) / 1000;
}

/**
 * Builds `risk_key_buckets` from the history's risk assessments with the gateway's own
 * backfill (the one migration 042 runs on an upgrade): per card, per IP with its card,
 * one row per key and minute. Run once, after every merchant's history is written and
 * before any load (the backfill expects no buckets for those keys yet).
 *
 * @example
 * ```ts
 * await backfillHistoryBuckets(db.url);
 * ```
 */
export async function backfillHistoryBuckets(databaseUrl: string): Promise<void> {
  const db = createDatabase({ client: 'mysql', url: databaseUrl }, { poolMax: 2 });
  try {
    await backfillRiskBuckets(db, Date.now());
  } finally {
    await db.destroy();
  }
}
