import { Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TenderCheckoutService } from './tender-checkout.service';

/** Where Tender's webhook endpoint points: https://<vendure host>/payments/tender */
export const TENDER_WEBHOOK_ROUTE = 'payments/tender';

/**
 * Receives Tender's signed events. The plugin mounts a raw-body parser on this route
 * before Vendure's JSON parser (see tender.plugin.ts), because the signature covers
 * the exact bytes Tender sent, not a re-serialised object.
 */
@Controller(TENDER_WEBHOOK_ROUTE)
export class TenderWebhookController {
  constructor(private readonly checkout: TenderCheckoutService) {}

  @Post()
  @HttpCode(200)
  async receive(@Req() req: Request, @Res() res: Response, @Headers('tender-signature') signature: string | undefined): Promise<void> {
    const raw: unknown = req.body;
    if (!Buffer.isBuffer(raw)) {
      res.status(400).type('text/plain').send('raw body missing');
      return;
    }
    const outcome = await this.checkout.handleWebhook(raw, signature);
    res.status(outcome.status).type('text/plain').send(outcome.message);
  }
}
