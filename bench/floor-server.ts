import fs from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import express, { ErrorRequestHandler, Request, Response } from 'express';
import { Conn, Row, first, floorPool, inTransaction as inPoolTransaction, newId, serveFloor } from './floor-kit';

/**
 * The floor (scenario 2): the least a server on this machine must do to take a card
 * payment with the gateway's database work and none of its logic. Express, JSON
 * bodies and a mysql2 pool of the gateway's size (10) answer the same two requests
 * as the gateway, and each request runs the same SQL statements as the gateway's
 * (same tables, same rows, same locks; see docs/performance.md for the list) inside
 * one transaction. No validation, no state machine, no encryption, no DI, no logging.
 * This floor follows the gateway: when `npm run bench:statements` changes, so does
 * this file. The fixed lists (the reference floor of Dec 2026 and the physical floor)
 * are data in bench/floors/, replayed by statement-replay-server.ts.
 *
 * Run by the harness as its own process: `node bench/dist/floor-server.js` with
 * DATABASE_URL (a database migrated by `tender migrate`) and PORT (0 = any).
 */
const pool = floorPool();

const id = newId;

const inTransaction = <T>(work: (c: Conn) => Promise<T>): Promise<T> => inPoolTransaction(pool, work);

async function merchantOf(c: Conn, req: Request): Promise<Row | undefined> {
  const key = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  return first(
    c,
    'SELECT k.id, k.merchant_id, k.livemode, k.kind, k.revoked_at, k.expires_at, m.stage, m.live_at, m.test_mode_expires_at FROM api_keys AS k LEFT JOIN merchants AS m ON m.id = k.merchant_id WHERE k.key_hash = ? LIMIT 1',
    [createHash('sha256').update(key).digest('hex')],
  );
}

async function insertEvent(c: Conn, merchantId: unknown, type: string, objectId: string, object: Row, now: number): Promise<void> {
  await c.query('INSERT INTO events (id, merchant_id, livemode, type, object_type, object_id, data, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?)', [
    id('evt'),
    merchantId,
    type,
    'payment',
    objectId,
    JSON.stringify({ object }),
    now,
  ]);
  // The webhook fan-out's read of the merchant's endpoints, in the event's transaction.
  await c.query('SELECT id, events FROM webhook_endpoints WHERE merchant_id = ? AND livemode = 0 AND status = ?', [merchantId, 'enabled']);
}

const HOUR = 3_600_000;

/** The risk assessment's reads before the confirm's first transaction: the rule sets, and the card's lock row made sure of. */
async function riskPreparation(c: Conn, merchantId: unknown, fingerprint: string, now: number): Promise<string> {
  await c.query('SELECT * FROM risk_rule_sets WHERE merchant_id = ? AND livemode = 0 ORDER BY version DESC LIMIT 1', ['']);
  await c.query('SELECT * FROM risk_rule_sets WHERE merchant_id = ? AND livemode = 0 ORDER BY version DESC LIMIT 1', [merchantId]);
  const keyHash = createHash('sha256').update(`card:${fingerprint}`).digest('hex');
  await c.query('INSERT IGNORE INTO risk_key_locks (created_at, key_hash, livemode, merchant_id) VALUES (?, ?, 0, ?)', [now, keyHash, merchantId]);
  return keyHash;
}

/** The assessment inside the confirm's transaction: the card's lock row, then the bounded history aggregates. */
async function riskAssessment(c: Conn, merchantId: unknown, fingerprint: string, keyHash: string, now: number): Promise<void> {
  await c.query('SELECT key_hash FROM risk_key_locks WHERE merchant_id = ? AND livemode = 0 AND key_hash IN (?) ORDER BY key_hash ASC FOR UPDATE', [merchantId, keyHash]);
  await c.query(
    "SELECT SUM(CASE WHEN outcome = 'declined' THEN 1 ELSE 0 END) AS declined, SUM(CASE WHEN outcome = 'pending' THEN 1 ELSE 0 END) AS pending FROM (SELECT outcome FROM risk_assessments WHERE merchant_id = ? AND livemode = 0 AND created_at >= ? AND card_fingerprint = ? AND outcome IN (?, ?) ORDER BY created_at DESC LIMIT 5) AS h",
    [merchantId, now - HOUR, fingerprint, 'declined', 'pending'],
  );
  await c.query(
    'SELECT COUNT(*) AS n, SUM(same_amount) AS total FROM (SELECT CASE WHEN currency = ? THEN amount ELSE 0 END AS same_amount FROM risk_assessments WHERE merchant_id = ? AND livemode = 0 AND created_at >= ? AND card_fingerprint = ? ORDER BY created_at DESC LIMIT 10) AS h',
    ['RUB', merchantId, now - HOUR, fingerprint],
  );
  await c.query(
    'SELECT COUNT(*) AS n, AVG(amount) AS mean FROM (SELECT amount FROM risk_assessments WHERE merchant_id = ? AND livemode = 0 AND created_at >= ? AND currency = ? AND outcome = ? ORDER BY created_at DESC LIMIT 200) AS h',
    [merchantId, now - 30 * 24 * HOUR, 'RUB', 'approved'],
  );
}

const app = express();
app.use(express.json({ limit: '64kb' }));

app.post('/v1/payments', async (req: Request, res: Response) => {
  const body = req.body as { amount: number; currency: string; order_id: string; description?: string };
  const now = Date.now();
  const payment = await inTransaction(async (c) => {
    const key = await merchantOf(c, req);
    if (key === undefined) return undefined;
    const paymentId = id('pay');
    const row: Row = { id: paymentId, merchant_id: key.merchant_id, status: 'pending', amount: body.amount, currency: body.currency, order_id: body.order_id };
    await c.query(
      'INSERT INTO payments (id, merchant_id, livemode, status, amount, amount_captured, amount_refunded, amount_refund_pending, currency, order_id, description, capture_method, return_url, metadata, page_token, create_idempotency_key, version, created_at, updated_at) VALUES (?, ?, 0, ?, ?, 0, 0, 0, ?, ?, ?, ?, NULL, NULL, ?, NULL, 0, ?, ?)',
      [paymentId, key.merchant_id, 'pending', body.amount, body.currency, body.order_id, body.description ?? null, 'automatic', randomBytes(24).toString('base64url'), now, now],
    );
    await insertEvent(c, key.merchant_id, 'payment.created', paymentId, row, now);
    return row;
  });
  if (payment === undefined) {
    res.status(401).json({ error: { code: 'api_key_invalid' } });
    return;
  }
  res.status(201).json({ id: payment.id, object: 'payment', status: payment.status, amount: payment.amount, currency: payment.currency, order_id: payment.order_id });
});

app.post('/v1/payments/:id/confirm', async (req: Request, res: Response) => {
  const paymentId = String(req.params.id);
  const pan = String((req.body as { payment_method?: { card?: { number?: string } } }).payment_method?.card?.number ?? '');
  const now = Date.now();
  const outcome = await inTransaction(async (c) => {
    const key = await merchantOf(c, req);
    if (key === undefined) return 'unauthorized' as const;
    const where = [paymentId, key.merchant_id, 0];
    // Read for routing and risk, as the gateway does before its first transaction.
    const seen = await first(c, 'SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND livemode = ? LIMIT 1', where);
    if (seen === undefined) return 'not_found' as const;
    const fingerprint = createHash('sha256').update(pan).digest('hex');
    const keyHash = await riskPreparation(c, key.merchant_id, fingerprint, now);
    await riskAssessment(c, key.merchant_id, fingerprint, keyHash, now);
    const current = await first(c, 'SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND livemode = ? LIMIT 1 FOR UPDATE', where);
    if (current === undefined) return 'not_found' as const;
    const cardId = id('card');
    await c.query('INSERT INTO card_vault (id, merchant_id, livemode, fingerprint, key_version, wrapped_key, iv, tag, ciphertext, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?)', [
      cardId,
      key.merchant_id,
      fingerprint,
      'v1',
      randomBytes(60).toString('base64'),
      randomBytes(12).toString('base64'),
      randomBytes(16).toString('base64'),
      randomBytes(16).toString('base64'),
      now,
    ]);
    const opId = id('op');
    await c.query(
      'INSERT INTO bank_operations (id, payment_id, refund_id, merchant_id, livemode, kind, adapter_code, amount, currency, status, tries, created_at, updated_at) VALUES (?, ?, NULL, ?, 0, ?, ?, ?, ?, ?, 1, ?, ?)',
      [opId, paymentId, key.merchant_id, 'sale', 'sandbox', current.amount, current.currency, 'pending', now, now],
    );
    const version = Number(current.version);
    await c.query(
      'UPDATE payments SET status = ?, card_token = ?, card_fingerprint = ?, card_brand = ?, card_bin = ?, card_last4 = ?, card_exp_month = ?, card_exp_year = ?, failure_code = NULL, failure_message = NULL, operation_in_progress = ?, risk_score = ?, risk_decision = ?, risk_reasons = ?, version = ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND livemode = ? AND version = ?',
      ['processing', cardId, fingerprint, 'visa', pan.slice(0, 6), pan.slice(-4), 12, 2030, opId, 0, 'allow', '[]', version + 1, now, ...where, version],
    );
    await insertEvent(c, key.merchant_id, 'payment.processing', paymentId, { ...current, status: 'processing' }, now);
    await c.query(
      'INSERT INTO risk_assessments (id, merchant_id, livemode, payment_id, card_fingerprint, card_bin, ip, email, amount, currency, score, decision, dry_run_decision, action, reasons, rule_set_versions, outcome, created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?, NULL, NULL, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id('rsk'), key.merchant_id, paymentId, fingerprint, pan.slice(0, 6), current.amount, current.currency, 'allow', 'allow', 'allow', '[]', 'operator:0,merchant:1', 'pending', now, now],
    );
    await c.query(
      'INSERT INTO payment_attempts (id, merchant_id, livemode, payment_id, operation_id, connection_id, bank_code, adapter_code, reason, result, failure_code, created_at) VALUES (?, ?, 0, ?, ?, NULL, ?, ?, ?, ?, NULL, ?)',
      [id('att'), key.merchant_id, paymentId, opId, 'sandbox', 'sandbox', 'test mode uses the sandbox bank', 'approved', now],
    );
    await first(c, 'SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND livemode = ? LIMIT 1 FOR UPDATE', where);
    await c.query('UPDATE bank_operations SET status = ?, authorization_code = ?, rrn = ?, bank_reference = ?, updated_at = ? WHERE id = ? AND status = ?', ['succeeded', '123456', '000000123456', 'sbx_000000123456', now, opId, 'pending']);
    await c.query('UPDATE payments SET status = ?, amount_captured = ?, operation_in_progress = NULL, version = ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND livemode = ? AND version = ?', [
      'captured',
      current.amount,
      version + 2,
      now,
      ...where,
      version + 1,
    ]);
    await insertEvent(c, key.merchant_id, 'payment.captured', paymentId, { ...current, status: 'captured' }, now);
    await c.query('UPDATE risk_assessments SET outcome = ?, updated_at = ? WHERE merchant_id = ? AND livemode = 0 AND payment_id = ? AND outcome = ?', ['approved', now, key.merchant_id, paymentId, 'pending']);
    return { id: paymentId, status: 'captured', amount: current.amount };
  });
  if (outcome === 'unauthorized') res.status(401).json({ error: { code: 'api_key_invalid' } });
  else if (outcome === 'not_found') res.status(404).json({ error: { code: 'resource_missing' } });
  else res.status(200).json({ object: 'payment', ...outcome });
});

// Scenario 3's baseline: the hosted page's HTML, read once and served as a static file (no template, no database).
const staticPage = process.env.FLOOR_STATIC_HTML === undefined ? undefined : fs.readFileSync(process.env.FLOOR_STATIC_HTML);
app.get('/static-page', (_req: Request, res: Response) => {
  if (staticPage === undefined) res.status(404).end();
  else res.status(200).type('html').send(staticPage);
});

const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  _next;
  process.stderr.write(`floor: ${error instanceof Error ? error.message : String(error)}\n`);
  res.status(500).json({ error: { code: 'internal_error' } });
};
app.use(onError);

serveFloor(app, pool, 'floor');
