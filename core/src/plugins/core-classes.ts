import { DependencyContainer } from 'tsyringe';
import { AttemptLimiter } from '../attempts/attempt-limiter';
import { AuditLog } from '../audit/audit-log';
import { BankOperatorAlerts } from '../banks/operator-alerts';
import { BankCatalogueService } from '../banks/bank-catalogue.service';
import { BankConnectionRepository } from '../banks/bank-connection';
import { BankOperationRepository } from '../banks/bank-operation';
import { BankRegistry } from '../banks/bank-registry';
import { BrandingService } from '../branding/branding.service';
import { CertificateAuthenticatorRegistry } from '../certificates/certificate-authenticator';
import { CreateKeyRetention } from '../idempotency/create-key-retention';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiKeyManagementService } from '../merchants/api-key-management.service';
import { ApiKeyService } from '../merchants/api-keys';
import { MerchantStanding } from '../merchants/merchant-standing';
import { MerchantRepository } from '../merchants/merchant.repository';
import { MerchantService } from '../merchants/merchant.service';
import { MerchantMail } from '../merchants/onboarding-mail/merchant-mail';
import { ScheduledNotices } from '../merchants/onboarding-mail/scheduled-notices';
import { OutboxMailNotifier } from '../merchants/onboarding-mail/outbox-mail-notifier';
import { OnboardingService } from '../merchants/onboarding.service';
import { SigningSecretService } from '../merchants/signing-secret.service';
import { PaymentMethodRegistry } from '../methods/payment-method.registry';
import { RiskAssessmentRepository } from '../monitoring/risk-assessment.repository';
import { RiskBucketPruner } from '../monitoring/risk-bucket-pruner';
import { RiskEngine } from '../monitoring/risk-engine';
import { RiskKeyLocks } from '../monitoring/risk-key-locks';
import { RiskOutcomeRecorder } from '../monitoring/risk-outcome-recorder';
import { RiskPatternAlerts } from '../monitoring/risk-pattern-alerts';
import { RiskRecorder } from '../monitoring/risk-recorder';
import { RiskReviewRepository } from '../monitoring/risk-review';
import { RiskReviewService } from '../monitoring/risk-review.service';
import { RiskRuleSetRepository } from '../monitoring/risk-rule-set.repository';
import { RiskRuleSetService } from '../monitoring/risk-rule-set.service';
import { RiskRuleRegistry } from '../monitoring/risk-rule.registry';
import { RiskRulePreview } from '../monitoring/risk-rule-preview';
import { EmailDispatcher } from '../notifications/email/email-dispatcher';
import { EmailNotifier } from '../notifications/email/email-notifier';
import { EmailQueue } from '../notifications/email/email-queue';
import { EventOutbox } from '../notifications/event-outbox';
import { EventRepository } from '../notifications/events/event.repository';
import { StatusLink } from '../notifications/status-link';
import { WebhookDeliveryLog } from '../notifications/webhooks/webhook-delivery-log';
import { WebhookDeliveryQueue } from '../notifications/webhooks/webhook-delivery-queue';
import { WebhookDispatcher } from '../notifications/webhooks/webhook-dispatcher';
import { WebhookEndpointService } from '../notifications/webhooks/webhook-endpoint.service';
import { WebhookFanout } from '../notifications/webhooks/webhook-fanout';
import { WebhookSecretBox } from '../notifications/webhooks/webhook-secret-box';
import { WebhookUrlGuard } from '../notifications/webhooks/webhook-url-guard';
import { GatewaySelf } from '../outbound/gateway-self';
import { OutboundHttpClient } from '../outbound/outbound-http-client';
import { OutboundUrlGuard } from '../outbound/outbound-url-guard';
import { BrandingPreview } from '../pages/branding-preview';
import { FormTokenService } from '../pages/form-token.service';
import { HostedPageService } from '../pages/hosted-page.service';
import { PageTheme } from '../pages/page-theme';
import { PaymentIsland } from '../pages/payment-island';
import { PaymentReceipts } from '../pages/payment-receipt';
import { PaymentLinkPageService } from '../pages/payment-link-page.service';
import { SignedFormService } from '../pages/signed-form.service';
import { SubmitRateLimiter } from '../pages/submit-rate-limiter';
import { PaymentLinkService } from '../payment-links/payment-link.service';
import { AuthorizationAttempts } from '../payments/authorization-attempts';
import { BankOutcomeApplier } from '../payments/bank-outcome';
import { BankReconciler } from '../payments/bank-reconciler';
import { AwaitedPaymentSettler } from '../payments/awaited-payment-settler';
import { LatePaymentReturns } from '../payments/late-payment-returns';
import { PaymentStateWriter } from '../payments/payment-state-writer';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentService } from '../payments/payment.service';
import { RefundRepository } from '../refunds/refund';
import { RefundService } from '../refunds/refund.service';
import { RouteExplainer } from '../routing/route-explainer';
import { BankRouter } from '../routing/bank-router';
import { ConnectionHealth } from '../routing/connection-health';
import { PaymentAttemptRepository } from '../routing/payment-attempt.repository';
import { RoutingRuleRepository } from '../routing/routing-rule.repository';
import { RoutingService } from '../routing/routing.service';
import { ThreeDSecureService } from '../three-d-secure/three-d-secure.service';
import { CardVault } from '../vault/card-vault';
import { PasswordLinkService } from '../web/accounts/password-link.service';
import { WebAccountService } from '../web/accounts/web-account.service';
import { WebSessionStore } from '../web/sessions/web-session.store';

/**
 * Every class of core that the gateway's container builds. The container is strict
 * (strict-container.ts): a class nobody registered is an error, not a silent new
 * instance, so a class core resolves must be listed here (or registered by its
 * module, e.g. as a singleton). Plugins register theirs with `ctx.registerService`.
 */
export const CORE_CLASSES = [
  // attempts/
  AttemptLimiter,
  // audit/
  AuditLog,
  // banks/
  BankCatalogueService,
  BankOperatorAlerts,
  BankConnectionRepository,
  BankOperationRepository,
  BankRegistry,
  // branding/
  BrandingService,
  // certificates/
  CertificateAuthenticatorRegistry,
  // idempotency/
  CreateKeyRetention,
  IdempotencyService,
  // merchants/
  ApiKeyManagementService,
  ApiKeyService,
  MerchantStanding,
  MerchantRepository,
  MerchantService,
  MerchantMail,
  OutboxMailNotifier,
  ScheduledNotices,
  OnboardingService,
  SigningSecretService,
  // methods/
  PaymentMethodRegistry,
  // monitoring/
  RiskAssessmentRepository,
  RiskBucketPruner,
  RiskEngine,
  RiskKeyLocks,
  RiskOutcomeRecorder,
  RiskPatternAlerts,
  RiskRecorder,
  RiskReviewRepository,
  RiskReviewService,
  RiskRuleSetRepository,
  RiskRuleSetService,
  RiskRuleRegistry,
  RiskRulePreview,
  // notifications/
  EmailDispatcher,
  EmailNotifier,
  EmailQueue,
  EventOutbox,
  EventRepository,
  StatusLink,
  WebhookDeliveryLog,
  WebhookDeliveryQueue,
  WebhookDispatcher,
  WebhookEndpointService,
  WebhookFanout,
  WebhookSecretBox,
  WebhookUrlGuard,
  // outbound/
  GatewaySelf,
  OutboundHttpClient,
  OutboundUrlGuard,
  // pages/
  BrandingPreview,
  FormTokenService,
  HostedPageService,
  PageTheme,
  PaymentIsland,
  PaymentLinkPageService,
  PaymentReceipts,
  SignedFormService,
  SubmitRateLimiter,
  // payment-links/
  PaymentLinkService,
  // payments/
  AuthorizationAttempts,
  AwaitedPaymentSettler,
  LatePaymentReturns,
  BankOutcomeApplier,
  BankReconciler,
  PaymentStateWriter,
  PaymentRepository,
  PaymentService,
  // refunds/
  RefundRepository,
  RefundService,
  // routing/
  BankRouter,
  RouteExplainer,
  ConnectionHealth,
  PaymentAttemptRepository,
  RoutingRuleRepository,
  RoutingService,
  // three-d-secure/
  ThreeDSecureService,
  // vault/
  CardVault,
  // web/
  PasswordLinkService,
  WebAccountService,
  WebSessionStore,
] as const;

/**
 * Registers each core class not registered yet as transient (a new instance per
 * resolve: what tsyringe did for unregistered classes). Call it after the
 * singletons are registered, so it never shadows one.
 */
export function registerCoreClasses(container: DependencyContainer): void {
  for (const cls of CORE_CLASSES) {
    if (!container.isRegistered(cls as never)) container.register(cls as never, { useClass: cls as never });
  }
}
