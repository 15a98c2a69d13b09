import assert from 'node:assert/strict';
import { Database } from '@tender/core';

/**
 * Every core table a payment attempt, a refund or a payment link writes to: a
 * refused request must leave all of them as they were.
 */
export const MONEY_TABLES = [
  'payments',
  'bank_operations',
  'payment_attempts',
  'card_vault',
  'risk_assessments',
  'events',
  'page_form_tokens',
  'payment_links',
  'refunds',
  'idempotency_keys',
] as const;

/** What an account payment writes besides core's tables (@tender/plugin-accounts' own tables). */
export const ACCOUNT_MONEY_TABLES = ['account_payments', 'signed_request_nonces'] as const;

/** Row counts of MONEY_TABLES (plus any plugin tables named in `extra`). */
export async function moneyRows(db: Database, extra: readonly string[] = []): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...MONEY_TABLES, ...extra]) {
    const row = (await db(table).count({ n: '*' }).first()) as { n: unknown } | undefined;
    out[table] = Number(row?.n ?? 0);
  }
  return out;
}

/** Fails with the tables that changed since `before`. */
export async function assertNothingWritten(db: Database, before: Record<string, number>, what: string): Promise<void> {
  const now = await moneyRows(
    db,
    Object.keys(before).filter((t) => !(MONEY_TABLES as readonly string[]).includes(t)),
  );
  const changed = Object.keys(before)
    .filter((t) => before[t] !== now[t])
    .map((t) => `${t} ${before[t]} -> ${now[t]}`);
  assert.deepEqual(changed, [], `${what} wrote rows`);
}
