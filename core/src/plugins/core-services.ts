import { DependencyContainer } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { TenderConfig } from '../config/config';
import { CONFIG } from '../config/tokens';
import { DATABASE, Database } from '../db/database';
import { LOGGER, Logger } from '../logging/logger';
import { KEY_RING, KeyRing } from '../vault/key-ring';
import { OutboundHttpClient } from '../outbound/outbound-http-client';
import { PaymentService } from '../payments/payment.service';
import { RefundService } from '../refunds/refund.service';
import { MerchantService } from '../merchants/merchant.service';
import { EventOutbox } from '../notifications/event-outbox';
import { AttemptLimiter } from '../attempts/attempt-limiter';
import { EmailQueue } from '../notifications/email/email-queue';
import { PluginError } from './plugin';
import { JobScheduler } from '../scheduling/job-scheduler';
import { CardVault } from '../vault/card-vault';

/**
 * Core's services as a plugin sees them. All are registered before any plugin
 * runs. The first group is plain infrastructure and can be used in `setup`; the
 * second is built on the registries (payment methods, bank adapters, listeners),
 * which stay open until every plugin has registered, so those are available from
 * the start phase on (in `start`, route handlers and jobs) and throw before.
 *
 * @example
 * ```ts
 * setup(ctx) {
 *   const journal = new AcmeJournal(ctx.core.database, ctx.core.clock);
 *   ctx.registerRoutes('/refund', Router().post('/', async (req, res) => res.json(await ctx.core.refunds.create(...))));
 * }
 * ```
 */
export interface CoreServices {
  readonly config: TenderConfig;
  readonly database: Database;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  /** The one client for requests to shops and platforms (docs/security.md, section 4); never fetch directly. */
  readonly outbound: OutboundHttpClient;
  /** From the start phase on. */
  readonly payments: PaymentService;
  /** From the start phase on. */
  readonly refunds: RefundService;
  /** From the start phase on. */
  readonly merchants: MerchantService;
  /** From the start phase on: records events in the caller's transaction. */
  readonly events: EventOutbox;
  /** From the start phase on: the one attempt limiter (logins, submits). */
  readonly attempts: AttemptLimiter;
  /** From the start phase on: queues e-mails (core's templates or a registered plugin template). */
  readonly emails: EmailQueue;
  /**
   * The card vault: PANs encrypted at rest (`store`), revealed for a bank request
   * only (`reveal`), compared by `fingerprint`, removed for good (`delete`).
   * Usable in `setup` (it needs only the database and the key ring).
   */
  readonly vault: CardVault;
  /** The gateway's one scheduler of background jobs (leases in the database); usable in `setup`. */
  readonly scheduler: JobScheduler;
}

/** Typed accessors over the gateway's container; `started()` tells whether the registries are closed. */
export function coreServices(container: DependencyContainer, started: () => boolean, plugin: string): CoreServices {
  const late = <T>(what: string, get: () => T): T => {
    if (!started())
      throw new PluginError(
        `plugin ${plugin}: ctx.core.${what} is available from the start phase on (return { start() } from setup, or use it inside a handler)`,
      );
    return get();
  };
  return {
    get config() {
      return container.resolve<TenderConfig>(CONFIG);
    },
    get database() {
      return container.resolve<Database>(DATABASE);
    },
    get logger() {
      return container.resolve<Logger>(LOGGER);
    },
    get clock() {
      return container.resolve<Clock>(CLOCK);
    },
    get keyRing() {
      return container.resolve<KeyRing>(KEY_RING);
    },
    get outbound() {
      return container.resolve(OutboundHttpClient);
    },
    get payments() {
      return late('payments', () => container.resolve(PaymentService));
    },
    get refunds() {
      return late('refunds', () => container.resolve(RefundService));
    },
    get merchants() {
      return late('merchants', () => container.resolve(MerchantService));
    },
    get events() {
      return late('events', () => container.resolve(EventOutbox));
    },
    get attempts() {
      return late('attempts', () => container.resolve(AttemptLimiter));
    },
    get emails() {
      return late('emails', () => container.resolve(EmailQueue));
    },
    get vault() {
      return container.resolve(CardVault);
    },
    get scheduler() {
      return container.resolve(JobScheduler);
    },
  };
}
