import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { Queryable } from '../../db/database';
import { EventOutbox } from '../../notifications/event-outbox';
import { EmailValue } from '../../notifications/email/email-queue';
import { stageEventType } from '../merchant-stage-machine';
import { OnboardingNotice, OnboardingNotifier } from '../onboarding-notifier';
import { DashboardStep, MailMerchant, MerchantMail } from './merchant-mail';

/**
 * Onboarding's notifier: in the stage change's transaction, the event goes to the
 * event outbox (webhooks) and the merchant's e-mail to the e-mail outbox
 * (templates/email/onboarding, rendered in the merchant's language when sent), so a
 * stage change, its event and its e-mail commit together and the e-mail is retried
 * while the SMTP server refuses it. A new application and a bank choice also alert
 * the operator (TENDER_OPERATOR_ALERT_EMAIL), each once.
 */
@injectable()
export class OutboxMailNotifier implements OnboardingNotifier {
  constructor(
    @inject(EventOutbox) private readonly outbox: EventOutbox,
    @inject(MerchantMail) private readonly mail: MerchantMail,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(q: Queryable, notice: OnboardingNotice): Promise<void> {
    const m = notice.merchant;
    const livemode = m.mode === 'live';
    await this.outbox.record(q, { merchantId: m.id, livemode, type: notice.type, objectType: 'merchant', objectId: m.id, data: m });
    const to = await this.mail.merchant(q, m.id);
    if (to === undefined) return;
    const { step, data } = this.mailOf(notice, to);
    await this.mail.toMerchant(q, to, `onboarding/${notice.template}`, step, data, { livemode });
    if (notice.type === stageEventType('applied')) {
      await this.mail.toOperator(q, to, 'onboarding/operator-application', {}, `operator.application:${m.id}`);
    }
    if (notice.type === stageEventType('bank_chosen')) {
      // A merchant may change its bank until the contract: every choice is news to the operator, once.
      const bankName = (notice.data.bank as { name?: string } | undefined)?.name ?? m.bank ?? '';
      await this.mail.toOperator(
        q,
        to,
        'onboarding/operator-bank-chosen',
        { bank_name: bankName },
        `operator.bank_chosen:${m.id}:${m.bank ?? ''}:${this.clock.now()}`,
      );
    }
  }

  /** Nothing after commit: the e-mail dispatcher sends what record() queued. */
  async deliver(): Promise<void> {}

  /** What each onboarding e-mail shows and which dashboard screen its next step is on. */
  private mailOf(notice: OnboardingNotice, to: MailMerchant): { step: DashboardStep; data: Record<string, EmailValue> } {
    const m = notice.merchant;
    const bank = notice.data.bank as { name?: string; requirements?: ReadonlyArray<{ title: string; description?: string | null }> } | undefined;
    switch (notice.template) {
      case 'application':
        return {
          step: 'onboarding',
          data: {
            test_mode_hours: Number(notice.data.testModeHours ?? 0),
            deadline: m.test_mode_expires_at === null ? null : this.mail.moment(Date.parse(m.test_mode_expires_at), to),
          },
        };
      case 'registered':
        return { step: 'onboarding', data: { legal_name: m.company?.legal_name ?? '', tax_id: m.company?.tax_id ?? '' } };
      case 'bank-chosen':
        return {
          step: 'onboarding',
          data: { bank_name: bank?.name ?? '', requirements: (bank?.requirements ?? []).map((r) => ({ title: r.title, description: r.description ?? null })) },
        };
      case 'contract-signed':
        return { step: 'onboarding', data: { bank_name: bank?.name ?? '' } };
      case 'live':
        return { step: 'developers', data: {} };
      case 'suspended':
        return { step: 'home', data: { reason: typeof notice.data.reason === 'string' && notice.data.reason !== '' ? notice.data.reason : null } };
      default:
        return { step: 'home', data: {} };
    }
  }
}
