import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { inTransaction } from '../db/transaction';
import { notFound } from '../errors/tender-error';
import { AuditLog } from '../audit/audit-log';
import { MerchantContext } from '../merchants/merchant-context';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentAttempt, PaymentAttemptRepository } from './payment-attempt.repository';
import { RoutingRuleRepository, RoutingRuleVersion, RoutingScope } from './routing-rule.repository';
import { RoutingRuleSet } from './routing-rules';

export function ruleVersionView(v: RoutingRuleVersion | undefined): Record<string, unknown> {
  return { object: 'routing_rules', version: v?.version ?? 0, rules: v?.rules ?? [], created: v?.createdAt ?? null };
}

/**
 * Reads and replaces routing rules (each replacement is a new version) and lists
 * a payment's authorization attempts.
 *
 * @example
 * ```ts
 * await routing.replace({ kind: 'operator' }, { rules: [{ id: 'rub', priority: 1, match: { currencies: ['RUB'] }, targets: [{ bank: 'alfa', weight: 1 }] }] });
 * ```
 */
@injectable()
export class RoutingService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RoutingRuleRepository) private readonly rules: RoutingRuleRepository,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentAttemptRepository) private readonly attempts: PaymentAttemptRepository,
    @inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  current(scope: RoutingScope): Promise<RoutingRuleVersion | undefined> {
    return this.rules.current(this.db, scope);
  }

  versions(scope: RoutingScope): Promise<RoutingRuleVersion[]> {
    return this.rules.versions(this.db, scope);
  }

  /**
   * Adds a version. Two concurrent PUTs both land, one after the other (the last one is current).
   * `auditActor` (operator changes) writes an audit entry in the same transaction.
   */
  async replace(scope: RoutingScope, set: RoutingRuleSet, auditActor?: string): Promise<RoutingRuleVersion> {
    for (let tries = 1; ; tries++) {
      try {
        return await inTransaction(this.db, async (trx) => {
          const version = await this.rules.put(trx, scope, set.rules, this.clock.now());
          if (auditActor !== undefined) {
            const merchantId = scope.kind === 'merchant' ? scope.merchantId : undefined;
            await this.audit.record(trx, {
              actor: auditActor,
              action: 'routing.replace',
              merchantId,
              objectType: 'routing_rules',
              objectId: merchantId ?? 'operator',
              data: { version: version.version, rules: set.rules },
            });
          }
          return version;
        });
      } catch (error) {
        if (tries >= 5 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  async attemptsOf(ctx: MerchantContext, paymentId: string): Promise<PaymentAttempt[]> {
    const payment = await this.payments.find(this.db, ctx, paymentId);
    if (payment === undefined) throw notFound('payment', paymentId);
    return this.attempts.listForPayment(this.db, ctx, paymentId);
  }
}
