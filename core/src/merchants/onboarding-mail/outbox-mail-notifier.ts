import { inject, injectable } from 'tsyringe';
import { Queryable } from '../../db/database';
import { EventOutbox } from '../../notifications/event-outbox';
import { EmailQueue } from '../../notifications/email/email-queue';
import { OnboardingNotice, OnboardingNotifier } from '../onboarding-notifier';
import { OnboardingMailer } from './onboarding-mailer';

/**
 * Onboarding's notifier: in the stage change's transaction, the event goes to the
 * event outbox (webhooks) and the rendered e-mail to the e-mail outbox, so a stage
 * change, its event and its e-mail commit together and the e-mail is retried while
 * the SMTP server refuses it.
 */
@injectable()
export class OutboxMailNotifier implements OnboardingNotifier {
  constructor(
    @inject(EventOutbox) private readonly outbox: EventOutbox,
    @inject(EmailQueue) private readonly emails: EmailQueue,
    @inject(OnboardingMailer) private readonly mailer: OnboardingMailer,
  ) {}

  async record(q: Queryable, notice: OnboardingNotice): Promise<void> {
    const livemode = notice.merchant.mode === 'live';
    await this.outbox.record(q, {
      merchantId: notice.merchant.id,
      livemode,
      type: notice.type,
      objectType: 'merchant',
      objectId: notice.merchant.id,
      data: notice.merchant,
    });
    const mail = this.mailer.render(notice.template, { merchant: notice.merchant, ...notice.data });
    await this.emails.enqueueRendered(q, { merchantId: notice.merchant.id, livemode, recipient: notice.merchant.email, ...mail });
  }

  /** Nothing after commit: the e-mail dispatcher sends what record() queued. */
  async deliver(): Promise<void> {}
}
