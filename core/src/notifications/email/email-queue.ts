import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { Queryable } from '../../db/database';
import { newId } from '../../ids/ids';

/** The templates under templates/email/ Tender sends. */
export type EmailTemplate = 'receipt' | 'refund_failed' | 'webhook_failing' | 'web_password_link';

export interface QueuedEmail {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly template: EmailTemplate;
  readonly locale: string;
  readonly recipient: string;
  /** What the template shows; plain values only, rendered when the mail is sent. */
  readonly data: Record<string, string | number | boolean | null>;
}

/**
 * The e-mail outbox: a message is a row written in the transaction that causes it,
 * and the e-mail dispatcher sends it later, retrying while the SMTP server refuses.
 *
 * @example
 * ```ts
 * await emails.enqueue(trx, { merchantId, livemode, template: 'receipt', locale: 'en', recipient: 'buyer@example.com', data: { amount: '1 500.00 RUB' } });
 * ```
 */
@injectable()
export class EmailQueue {
  constructor(@inject(CLOCK) private readonly clock: Clock) {}

  async enqueue(q: Queryable, email: QueuedEmail): Promise<string> {
    const id = newId('eml');
    const now = this.clock.now();
    await q('email_outbox').insert({
      id,
      merchant_id: email.merchantId,
      livemode: email.livemode,
      template: email.template,
      locale: email.locale,
      recipient: email.recipient,
      data: JSON.stringify(email.data),
      status: 'pending',
      attempt_count: 0,
      next_attempt_at: now,
      created_at: now,
    });
    return id;
  }
}
