import { inject, injectable } from 'tsyringe';
import { Queryable } from '../../db/database';
import { LOGGER, Logger } from '../../logging/logger';
import { EventOutbox } from '../../notifications/event-outbox';
import { OnboardingNotice, OnboardingNotifier } from '../onboarding-notifier';
import { OnboardingMailer } from './onboarding-mailer';

/**
 * Today's OnboardingNotifier: the event goes to the transactional outbox (where the
 * webhook dispatcher will find it) and the e-mail is sent directly.
 */
@injectable()
export class OutboxMailNotifier implements OnboardingNotifier {
  constructor(
    @inject(EventOutbox) private readonly outbox: EventOutbox,
    @inject(OnboardingMailer) private readonly mailer: OnboardingMailer,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(q: Queryable, notice: OnboardingNotice): Promise<void> {
    await this.outbox.record(q, {
      merchantId: notice.merchant.id,
      livemode: notice.merchant.mode === 'live',
      type: notice.type,
      objectType: 'merchant',
      objectId: notice.merchant.id,
      data: notice.merchant,
    });
  }

  async deliver(notice: OnboardingNotice): Promise<void> {
    try {
      await this.mailer.send(notice.merchant.email, notice.template, { merchant: notice.merchant, ...notice.data });
    } catch (error) {
      this.logger.error({ merchant: notice.merchant.id, event: notice.type, error: error instanceof Error ? error.message : String(error) }, 'onboarding e-mail not sent');
    }
  }
}
