import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { DATABASE, Database, isMysql } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { LOGGER, Logger } from '../../logging/logger';
import { nextDelay } from '../retry-schedule';
import { EmailTemplate, PRERENDERED, PluginEmailTemplate } from './email-queue';
import { EmailTemplateRegistry } from '../../plugins/email-template-registry';
import { EmailRenderer, themedEmailFiles } from './email-renderer';
import { MailTransport, createMailTransport } from './mail-transport';
import { TenderMetrics } from '../../observability/metrics';

const BATCH = 10;
const LEASE_MS = 120_000;

interface ClaimedEmail {
  readonly id: string;
  readonly template: EmailTemplate | PluginEmailTemplate | typeof PRERENDERED;
  readonly locale: string;
  readonly recipient: string;
  readonly data: Record<string, unknown>;
  readonly attempt: number;
  readonly createdAt: number;
}

/**
 * Sends queued e-mail. Claims rows with a lease (SKIP LOCKED on MySQL/MariaDB, like
 * webhook deliveries), renders and sends them, and on an SMTP error schedules a retry
 * with backoff; a message is given up (`failed`) only after the retry window.
 *
 * @example
 * ```ts
 * const sent = await emails.runOnce();
 * ```
 */
@injectable()
export class EmailDispatcher {
  private transport: MailTransport | undefined;
  private readonly renderer: EmailRenderer;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(LOGGER) private readonly logger: Logger,
    private readonly pluginTemplates: EmailTemplateRegistry,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
  ) {
    // The operator's theme may override any e-mail template or text (<theme>/email/); the brand fills {{operator.*}}.
    this.renderer = new EmailRenderer(themedEmailFiles(config.templatesDir), config.brand);
  }

  async runOnce(): Promise<number> {
    const batch = await this.claim(this.clock.now());
    for (const email of batch) await this.send(email);
    return batch.length;
  }

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  private async claim(now: number): Promise<ClaimedEmail[]> {
    return inTransaction(this.db, async (trx) => {
      let query = trx('email_outbox')
        .where('status', 'pending')
        .andWhere('next_attempt_at', '<=', now)
        .andWhere((w) => w.whereNull('locked_until').orWhere('locked_until', '<=', now))
        .orderBy('seq', 'asc')
        .limit(BATCH);
      if (isMysql(trx)) query = query.forUpdate().skipLocked();
      const rows: Array<Record<string, unknown>> = await query;
      const claimed: ClaimedEmail[] = [];
      for (const row of rows) {
        const attempt = Number(row.attempt_count) + 1;
        await trx('email_outbox')
          .where({ id: String(row.id) })
          .update({ attempt_count: attempt, locked_until: now + LEASE_MS });
        claimed.push({
          id: String(row.id),
          template: row.template as EmailTemplate | PluginEmailTemplate | typeof PRERENDERED,
          locale: String(row.locale),
          recipient: String(row.recipient),
          data: JSON.parse(String(row.data)) as Record<string, unknown>,
          attempt,
          createdAt: Number(row.created_at),
        });
      }
      return claimed;
    });
  }

  private async send(email: ClaimedEmail): Promise<void> {
    const n = this.config.notifications;
    try {
      const rendered =
        email.template === PRERENDERED
          ? prerendered(email.data)
          : (this.pluginTemplates.render(email.template, email.locale, email.data) ?? this.renderer.render(email.template, email.locale, email.data));
      this.transport ??= createMailTransport(n.smtpUrl, this.config.dataDir, this.config.brand.domain);
      // Merchant e-mails come from a no-reply sender: a reply reaches the operator's support.
      const replyTo =
        n.supportEmail !== undefined && String(email.template).startsWith('onboarding/') && !String(email.template).startsWith('onboarding/operator-')
          ? n.supportEmail
          : undefined;
      await this.transport.send({ id: email.id, from: n.mailFrom, to: email.recipient, ...(replyTo === undefined ? {} : { replyTo }), ...rendered });
      await this.db('email_outbox')
        .where({ id: email.id, attempt_count: email.attempt })
        .update({ status: 'sent', sent_at: this.clock.now(), locked_until: null, last_error: null });
      this.metrics.emailSends.inc({ outcome: 'sent' });
    } catch (error) {
      const now = this.clock.now();
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 300);
      const giveUp = now - email.createdAt >= n.emailRetryWindowMs;
      await inTransaction(this.db, (trx) =>
        trx('email_outbox')
          .where({ id: email.id, attempt_count: email.attempt })
          .update(
            giveUp
              ? { status: 'failed', locked_until: null, last_error: message }
              : {
                  next_attempt_at: now + nextDelay(email.attempt, { baseMs: n.emailRetryBaseMs, maxMs: n.emailRetryMaxMs }),
                  locked_until: null,
                  last_error: message,
                },
          ),
      );
      this.metrics.emailSends.inc({ outcome: giveUp ? 'failed' : 'retry' });
      // A refusing server may have closed the pooled connection; start afresh next time.
      this.close();
      this.logger.warn({ email: email.id, attempt: email.attempt, error: message, gaveUp: giveUp }, 'e-mail not sent');
    }
  }
}

/** A plain-text message queued already rendered (onboarding): sent as text only. */
function prerendered(data: Record<string, unknown>): { subject: string; text: string } {
  return { subject: String(data.subject ?? 'Tender'), text: String(data.text ?? '') };
}
