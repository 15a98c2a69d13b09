import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { paymentFromRow } from '../../payments/payment';
import { formatAmount } from '../../pages/amount-format';
import { StatusLink } from '../../notifications/status-link';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { brandTemplateData } from '../../config/brand-config';
import { CORE_TEMPLATES_DIR } from '../../templates-dir';
import { ThemeFiles } from '../../pages/theme-files';
import { createTemplateEnv } from '../../templating/template-env';
import { cardBrandLabel } from '../../pages/card-brand-label';

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
  const config = container.resolve<TenderConfig>(CONFIG);
  // core/templates/status, or the operator theme's status/ folder over it (TENDER_TEMPLATES_DIR).
  const page = ThemeFiles.over(path.join(config.templatesDir, 'status'), path.join(CORE_TEMPLATES_DIR, 'status')).compile(createTemplateEnv(), 'status.hbs');
  const operator = brandTemplateData(config.brand);

  router.get('/:token', async (req, res) => {
    const id = links.paymentIdOf(String(req.params.token).slice(0, 120));
    const row = id === undefined ? undefined : await db('payments').where({ id }).first();
    if (row === undefined) throw new TenderError('resource_not_found', { message: 'No such payment.' });
    const p = paymentFromRow(row);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // The page's only style element carries a fresh nonce; nothing else may run or load but the operator's logo.
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; img-src https: 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    res.type('html').send(
      page({
        nonce,
        operator,
        amount: formatAmount(p.amountCaptured > 0 ? p.amountCaptured : p.amount, p.currency, 'en'),
        status: LABELS[p.status] ?? p.status,
        card: p.card === null ? null : `${cardBrandLabel(p.card.brand)} •••• ${p.card.last4}`,
      }),
    );
  });

  return router;
}
