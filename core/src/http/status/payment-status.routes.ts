import { Router } from 'express';
import Handlebars from 'handlebars';
import { DependencyContainer } from 'tsyringe';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { paymentFromRow } from '../../payments/payment';
import { formatAmount } from '../../notifications/email/email-notifier';
import { StatusLink } from '../../notifications/status-link';

const PAGE = Handlebars.compile(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Payment status</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}dt{color:#666;margin-top:.8rem}dd{margin:0;font-size:1.2rem}</style></head>
<body><h1>Payment status</h1><dl>
<dt>Amount</dt><dd data-field="amount">{{amount}}</dd>
<dt>Status</dt><dd data-field="status">{{status}}</dd>
{{#if card}}<dt>Card</dt><dd data-field="card">{{card}}</dd>{{/if}}
</dl></body></html>`);

const LABELS: Record<string, string> = {
  pending: 'Awaiting payment',
  processing: 'Processing',
  requires_action: 'Awaiting confirmation',
  authorized: 'Authorized',
  captured: 'Paid',
  partially_refunded: 'Paid, partially refunded',
  refunded: 'Refunded',
  declined: 'Declined',
  failed: 'Failed',
  canceled: 'Canceled',
};

/**
 * GET /status/:token: the buyer's view of a payment (linked from the receipt). It
 * shows the amount, the current state and the card brand with its last 4 digits,
 * nothing else: no order data, no merchant metadata, no BIN.
 */
export function paymentStatusRoutes(container: DependencyContainer): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const links = container.resolve(StatusLink);

  router.get('/:token', async (req, res) => {
    const id = links.paymentIdOf(String(req.params.token).slice(0, 120));
    const row = id === undefined ? undefined : await db('payments').where({ id }).first();
    if (row === undefined) throw new TenderError('resource_not_found', { message: 'No such payment.' });
    const p = paymentFromRow(row);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html').send(
      PAGE({
        amount: formatAmount(p.amountCaptured > 0 ? p.amountCaptured : p.amount, p.currency),
        status: LABELS[p.status] ?? p.status,
        card: p.card === null ? null : `${p.card.brand} •••• ${p.card.last4}`,
      }),
    );
  });

  return router;
}
