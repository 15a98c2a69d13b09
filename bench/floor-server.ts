import fs from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import express, { ErrorRequestHandler, Request, Response } from 'express';
import mysql from 'mysql2/promise';

/**
 * The floor (scenario 2): the least a server on this machine must do to take a card
 * payment with the gateway's database work and none of its logic. Express, JSON
 * bodies and a mysql2 pool of the gateway's size (10) answer the same two requests
 * as the gateway, and each request runs the same SQL statements as the gateway's
 * (same tables, same rows, same locks; see docs/performance.md for the list) inside
 * one transaction. No validation, no state machine, no encryption, no DI, no logging.
 *
 * Run by the harness as its own process: `node bench/dist/floor-server.js` with
 * DATABASE_URL (a database migrated by `tender migrate`) and PORT (0 = any).
 */
const pool = mysql.createPool({ uri: required('DATABASE_URL'), connectionLimit: 10, supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4' });

type Conn = mysql.PoolConnection;
type Row = Record<string, unknown>;

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

const id = (prefix: string): string => `${prefix}_${randomBytes(18).toString('base64url')}`;

async function inTransaction<T>(work: (c: Conn) => Promise<T>): Promise<T> {
  const c = await pool.getConnection();
  try {
    await c.query('BEGIN');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    c.release();
  }
}

async function first(c: Conn, sql: string, params: unknown[]): Promise<Row | undefined> {
  const [rows] = await c.query(sql, params);
  return (rows as Row[])[0];
}

async function merchantOf(c: Conn, req: Request): Promise<Row | undefined> {
  const key = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  return first(c, 'SELECT * FROM api_keys WHERE key_hash = ? LIMIT 1', [createHash('sha256').update(key).digest('hex')]);
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
    await c.query(
      'INSERT INTO payments (id, merchant_id, livemode, status, amount, amount_captured, amount_refunded, amount_refund_pending, currency, order_id, description, capture_method, return_url, metadata, page_token, create_idempotency_key, version, created_at, updated_at) VALUES (?, ?, 0, ?, ?, 0, 0, 0, ?, ?, ?, ?, NULL, NULL, ?, NULL, 0, ?, ?)',
      [paymentId, key.merchant_id, 'pending', body.amount, body.currency, body.order_id, body.description ?? null, 'automatic', randomBytes(24).toString('base64url'), now, now],
    );
    const row = await first(c, 'SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND livemode = ? LIMIT 1', [paymentId, key.merchant_id, 0]);
    if (row === undefined) throw new Error('payment vanished');
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
    const current = await first(c, 'SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND livemode = ? LIMIT 1 FOR UPDATE', where);
    if (current === undefined) return 'not_found' as const;
    const cardId = id('card');
    const fingerprint = createHash('sha256').update(pan).digest('hex');
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
      'UPDATE payments SET status = ?, card_token = ?, card_fingerprint = ?, card_brand = ?, card_bin = ?, card_last4 = ?, card_exp_month = ?, card_exp_year = ?, failure_code = NULL, failure_message = NULL, operation_in_progress = ?, version = ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND livemode = ? AND version = ?',
      ['processing', cardId, fingerprint, 'visa', pan.slice(0, 6), pan.slice(-4), 12, 2030, opId, version + 1, now, ...where, version],
    );
    await insertEvent(c, key.merchant_id, 'payment.processing', paymentId, { ...current, status: 'processing' }, now);
    await first(c, 'SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND livemode = ? LIMIT 1 FOR UPDATE', where);
    await first(c, 'SELECT * FROM bank_operations WHERE id = ? LIMIT 1 FOR UPDATE', [opId]);
    await c.query('UPDATE bank_operations SET status = ?, authorization_code = ?, rrn = ?, bank_reference = ?, updated_at = ? WHERE id = ?', ['succeeded', '123456', '000000123456', 'sbx_000000123456', now, opId]);
    await c.query('UPDATE payments SET status = ?, amount_captured = ?, operation_in_progress = NULL, version = ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND livemode = ? AND version = ?', [
      'captured',
      current.amount,
      version + 2,
      now,
      ...where,
      version + 1,
    ]);
    await insertEvent(c, key.merchant_id, 'payment.captured', paymentId, { ...current, status: 'captured' }, now);
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
  void _next;
  process.stderr.write(`floor: ${error instanceof Error ? error.message : String(error)}\n`);
  res.status(500).json({ error: { code: 'internal_error' } });
};
app.use(onError);

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`floor listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => {
    pool.end().then(() => process.exit(0), () => process.exit(1));
  });
  server.closeIdleConnections();
});
