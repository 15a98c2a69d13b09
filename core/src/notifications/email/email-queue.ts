import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { Queryable } from '../../db/database';
import { newId } from '../../ids/ids';

/** The template name of a message queued already rendered (EmailQueue.enqueueRendered). */
export const PRERENDERED = 'prerendered';

/** The templates under templates/email/ Tender sends. */
export type EmailTemplate = 'receipt' | 'refund_failed' | 'webhook_failing' | 'web_password_link' | 'risk_alert' | OnboardingEmailTemplate;

/** Onboarding's e-mails and notices to merchants and the operator (templates/email/onboarding/, one layout). */
export type OnboardingEmailTemplate = `onboarding/${string}`;

/** What a queued template may show: JSON values (a bank's list of documents is an array). */
export type EmailValue = string | number | boolean | null | readonly EmailValue[] | { readonly [key: string]: EmailValue };

/** A plugin's registered template: `<short-name>.<template>` (plugins/email-template-registry.ts). */
export type PluginEmailTemplate = `${string}.${string}`;

export interface QueuedEmail {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly template: EmailTemplate | PluginEmailTemplate;
  readonly locale: string;
  readonly recipient: string;
  /** What the template shows, rendered when the mail is sent. */
  readonly data: Readonly<Record<string, EmailValue>>;
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

  /**
   * Queues a message its sender has already rendered (onboarding's plain-text mails):
   * stored as template `prerendered` with the subject and text, sent and retried like
   * every other e-mail.
   */
  async enqueueRendered(
    q: Queryable,
    email: Omit<QueuedEmail, 'template' | 'locale' | 'data'> & { readonly subject: string; readonly text: string },
  ): Promise<string> {
    return this.insert(q, {
      merchantId: email.merchantId,
      livemode: email.livemode,
      template: PRERENDERED,
      locale: 'en',
      recipient: email.recipient,
      data: { subject: email.subject, text: email.text },
    });
  }

  async enqueue(q: Queryable, email: QueuedEmail): Promise<string> {
    return this.insert(q, email);
  }

  private async insert(
    q: Queryable,
    email: Omit<QueuedEmail, 'template'> & { readonly template: EmailTemplate | PluginEmailTemplate | typeof PRERENDERED },
  ): Promise<string> {
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
