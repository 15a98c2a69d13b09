import { Router } from 'express';
import { TenderError, callerOf, notFound, parseInput } from '@tender/core';
import { StarterOptions } from '../options';
import { issueSchema } from './voucher-issue';
import { Voucher, VoucherLedger } from './voucher-ledger';

/** The API's view of a voucher; the code itself only in the answer that issued it. */
export function voucherView(voucher: Voucher, code?: string): Record<string, unknown> {
  return {
    id: voucher.id,
    object: 'voucher',
    ...(code === undefined ? {} : { code }),
    code_last4: voucher.codeLast4,
    currency: voucher.currency,
    amount: voucher.amount,
    balance: voucher.balance,
    livemode: voucher.livemode,
    created_at: voucher.createdAt,
  };
}

/**
 * The merchant API of vouchers, mounted by `ctx.registerApiRoutes('/vouchers', ...)`
 * inside /v1: behind merchant authentication (a secret key; `callerOf(res)` is the
 * merchant and mode), the JSON body parser and the gateway's error answers.
 *
 * - `POST /v1/vouchers` `{ amount, currency }` issues a voucher; the answer carries
 *   the code, once.
 * - `GET /v1/vouchers/:id` reads one (balance, no code).
 *
 * @example
 * ```ts
 * ctx.registerApiRoutes('/vouchers', voucherRoutes(ledger, ctx.options));
 * ```
 */
export function voucherRoutes(ledger: VoucherLedger, options: StarterOptions): Router {
  const schema = issueSchema(options);
  const router = Router();

  router.post('/', async (req, res) => {
    const input = parseInput(schema, req.body);
    const { merchantId, livemode } = callerOf(res);
    const { voucher, code } = await ledger.issue({ merchantId, livemode }, input);
    res.status(201).json(voucherView(voucher, code));
  });

  router.get('/:id', async (req, res) => {
    const id = req.params.id;
    if (!/^vch_[0-9A-Za-z]{1,40}$/.test(id)) throw new TenderError('parameter_invalid', { param: 'id', message: 'The id in the path must start with vch_.' });
    const { merchantId, livemode } = callerOf(res);
    const voucher = await ledger.find({ merchantId, livemode }, id);
    if (voucher === undefined) throw notFound('voucher', id);
    res.json(voucherView(voucher));
  });

  return router;
}
