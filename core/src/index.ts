/**
 * @tender/core: the public surface for plugins, adapters and embedding.
 */
import 'reflect-metadata';

export * from './banks/bank-adapter';
export { BankRegistry, UnknownBankAdapterError } from './banks/bank-registry';
export { BANK_ALERT_EVENTS, BankAlert, BankAlertKind, BankAlertSink, BankOperatorAlerts } from './banks/operator-alerts';
export { Clock, CLOCK, FixedClock, SystemClock } from './clock/clock';
export { zoneOffset } from './clock/zone-offset';
export { TenderConfig, loadConfig, ConfigError, DatabaseConfig, DEFAULT_PLUGINS } from './config/config';
export { PluginSettings, NO_PLUGIN_SETTINGS, DEPRECATED_PLUGIN_VARIABLES } from './config/plugin-settings';
export { CONFIG, ADMIN_TOKEN } from './config/tokens';
export { DATABASE, Database, Queryable, Transaction, createDatabase, forUpdate } from './db/database';
export { CausalReads } from './db/causal-read';
export { migrateToLatest } from './db/migrator';
export { migratePlugins, rollbackPlugin, appliedPluginMigrations, AppliedPluginMigration, MigratingPlugin } from './db/plugin-migrator';
export { ERROR_CATALOGUE, ErrorCode, ErrorType } from './errors/error-catalogue';
export { TenderError } from './errors/tender-error';
export { Gateway, GatewayOptions } from './gateway';
// The payment-method extension point (docs/architecture.md): contract, page part, capabilities, registry.
export { PaymentMethod, PAYMENT_METHOD, InstrumentContext, PaymentInstrument, InstrumentRecordFacts, PaymentCardColumns } from './methods/payment-method';
// Fields a plugin adds to another method's part of the hosted page (docs/plugins.md).
export { MethodPartAddon, AddonSubmission, AddonSubmissionFacts } from './methods/method-part-addon';
export { MethodPartAddonRegistry } from './methods/method-part-addon.registry';
// The merchant's customers, known to a plugin (payments carry the id only).
export { CustomerDirectory, CustomerDirectorySlot } from './customers/customer-directory';
export { AmountAdjuster, AdjustmentFacts, AdjustmentDue, PreparedAdjustment } from './payments/amount-adjuster';
export { AmountAdjusterRegistry } from './payments/amount-adjuster.registry';
export { EventTypeRegistry } from './notifications/event-type-registry';
export { CardVault, StoredCard } from './vault/card-vault';
export {
  PaymentMethodPage,
  MethodPageView,
  MethodPartState,
  MethodPageRequest,
  MethodPageSubmission,
  MethodPageRefusal,
  MethodPageLocale,
} from './methods/payment-method-page';
export {
  BankCapability,
  BankInstrument,
  BankPaymentBase,
  WELL_KNOWN_CAPABILITIES,
  capabilitiesOf,
  supportsCapability,
  payThrough,
} from './methods/bank-capability';
export { PaymentMethodRegistry } from './methods/payment-method.registry';
export { methodPartProblem } from './methods/method-part-template';
export { methodStylesProblem } from './methods/method-part-styles';
export { CardPaymentMethod } from './methods/card/card.method';
export { CardInput, parseCardInput, maskedParts } from './methods/card/card-input';
export { PaymentMethodInput, parseMethodInput, currencyField } from './payments/payment-input';
export { ConfirmPresentation } from './payments/payment.service';
export { passesLuhn } from './methods/card/luhn';
export { detectBrand, CardBrand } from './methods/card/card-brand';
export { CURRENCIES, Currency, findCurrency } from './money/currencies';
export {
  definePlugin,
  TenderPlugin,
  PluginManifest,
  PluginContext,
  PluginLifecycle,
  PluginMigration,
  PluginOptionsSchema,
  PluginRouteOptions,
  PluginError,
  ServiceClass,
  ServiceResolver,
} from './plugins/plugin';
export { CoreServices } from './plugins/core-services';
export { routerOnFirstRequest } from './plugins/router-on-first-request';
export {
  ScreenRegistry,
  ScreenDescriptor,
  ScreenArea,
  ScreenRequest,
  ScreenViewer,
  ScreenSubmission,
  ScreenSubmitResult,
  RegisteredScreen,
} from './plugins/screen-registry';
export { EmailTemplateRegistry, EmailTemplateDescriptor } from './plugins/email-template-registry';
export { shortNameOf, optionVariable, resolvePluginOptions } from './plugins/plugin-options';
export { PLUGIN_ROUTE_PREFIX, CORE_PREFIXES } from './plugins/plugin-routes';
export { UnregisteredServiceError } from './plugins/strict-container';
export { RoutingStrategy } from './routing/routing-strategy';
export { CORE_VERSION } from './plugins/plugin-loader';
export { PAYMENT_STATUSES, PaymentStatus, canTransition, allowedTransitions } from './payments/payment-state-machine';
export { PaymentView } from './payments/payment-view';
export { RefundView } from './refunds/refund';
export { FAILURE_CODES } from './payments/failure-messages';
export { maskPans } from './logging/logger';
export { MERCHANT_STAGES, MerchantStage, canMoveStage, assertStageTransition, stageEventType } from './merchants/merchant-stage-machine';
export { isValidInn } from './merchants/inn';
export { OnboardingNotifier, OnboardingNotice, ONBOARDING_NOTIFIER } from './merchants/onboarding-notifier';
// Certificate authentication: the extension point and what a provider of payer certificates plugs into.
export {
  CERTIFICATE_AUTHENTICATOR,
  CertificateAuthenticator,
  CertificateAuthenticationRequest,
  AuthenticatedPayer,
  CertificateAuthenticatorRegistry,
} from './certificates/certificate-authenticator';
export { PAYER_CERTIFICATE_DIRECTORY, PayerCertificateDirectory, PayerCaSummary, PayerCertificateSummary } from './certificates/payer-certificate-directory';
export { tlsClientCertificate } from './http/tls-client-certificate';
// What a plugin's CLI commands build on (docs/plugins.md, "CLI commands").
export { CliCommand, UsageError } from './cli/cli-command';
export { readOrCreateSecret, generateMasterKey } from './config/local-secrets';
export { newId, randomToken } from './ids/ids';
// What protocol plugins (e.g. @tender/plugin-assist-compat) build on.
export { BackgroundJob } from './plugins/plugin';
export { ReadinessCheck, ReadinessOutcome, READINESS_CHECK } from './observability/readiness';
export { TenderMetrics } from './observability/metrics';
export { loadPluginModules, checkPlugin } from './plugins/plugin-loader';
export { isUniqueViolation } from './db/database';
export { TRANSACTION_ATTEMPTS, inTransaction } from './db/transaction';
// The one attempt limiter (sign-in, TOTP, Assist API logins, ...).
export { AttemptLimiter, AttemptCheck, AttemptDecision, AttemptTicket } from './attempts/attempt-limiter';
export { AttemptRule, MAX_ATTEMPT_WINDOW_MS } from './attempts/attempt-rule';
export { clientAddressSubject } from './attempts/client-address';
export { notFound } from './errors/tender-error';
export { LOGGER, Logger } from './logging/logger';
export { KEY_RING, KeyRing } from './vault/key-ring';
export { MerchantContext } from './merchants/merchant-context';
export { MerchantService, MerchantView } from './merchants/merchant.service';
export { callerOf } from './http/middleware/merchant-auth';
export { parseInput, parsePathId, fields, textRule } from './http/validation';
export { TextKind, hostileTextProblem, codePointLength } from './http/hostile-text';
export { BodyParser, MAX_BODY_DEPTH, assertAcceptableBody, bodyProblem, formBody, jsonBody, requestErrorOf, requireBodyType } from './http/body-parsing';
export { noteRequest } from './http/middleware/request-log';
export { redactPath } from './logging/path-redaction';
export { Payment, PaymentCard, SetupFutureUsage, CaptureMethod, paymentFromRow } from './payments/payment';
export { RETURN_URL_CHOOSER, ReturnUrlChooser, ReturnOutcome } from './pages/return-url-chooser';
export { paymentView } from './payments/payment-view';
export { PaymentService } from './payments/payment.service';
export { RefundService } from './refunds/refund.service';
export { MAX_AMOUNT } from './money/money';
export * from './banks/conformance';
export * from './routing/routing-strategy';
export { ineligibility, Ineligibility, unusableBecause, BREAKER_OPEN_REASON } from './routing/routing-eligibility';
export { RuleRoutingStrategy, RoutingRuleSources } from './routing/rule-routing-strategy';
export { RoutingStrategyRegistry, RoutingStrategyInfo, RoutingStrategyError } from './routing/routing-strategy.registry';
export { RouteExplainer, explainRequestSchema } from './routing/route-explainer';
export { RISK_RULE, RISK_DECISIONS, RiskRule, RiskInput, RiskSignal, RiskHistory, RiskDecision, HistoryKey } from './monitoring/risk-rule';
export { RISK_ALERT_SINK, RiskAlert, RiskAlertSink } from './monitoring/risk-alerts';
export { riskRuleProblems } from './monitoring/risk-rule-conformance';
export { EventOutbox, NewEvent } from './notifications/event-outbox';
export { EVENT_TYPES } from './notifications/event-types';
export { WebhookUrlGuard } from './notifications/webhooks/webhook-url-guard';
// The one outbound HTTP client (docs/security.md, section 4).
export { OutboundHttpClient, OutboundRequest, OutboundTarget } from './outbound/outbound-http-client';
export { OutboundResponse, OutboundRequestError, OutboundFailure } from './outbound/outbound-response';
export { OutboundRefusal, RefusalReason } from './outbound/outbound-refusal';
export { OutboundPurpose, OutboundPolicy, OutboundPolicies, OUTBOUND_POLICIES, defaultOutboundPolicies } from './outbound/outbound-policy';
export { OUTBOUND_RESOLVER, OutboundResolver, ResolvedAddress, systemResolver } from './outbound/outbound-resolver';
export { classifyAddress, describeAddress, AddressClass, AddressScope, EmbeddedIpv4 } from './outbound/ip-address-class';
export { OutboundUrlGuard, OutboundAccess } from './outbound/outbound-url-guard';
export { GatewaySelf } from './outbound/gateway-self';
export { nextDelay, RetryPolicy } from './notifications/retry-schedule';
export { EmailRenderer } from './notifications/email/email-renderer';
export { WebhookDispatcher } from './notifications/webhooks/webhook-dispatcher';
export { EmailDispatcher } from './notifications/email/email-dispatcher';
export { ScheduledNotices } from './merchants/onboarding-mail/scheduled-notices';
export { MerchantMail, formatMoment } from './merchants/onboarding-mail/merchant-mail';
// Web accounts and sessions (core: the CLI, the admin API and sign-up make accounts)
// and the contract a web UI's screens build on. docs/architecture.md, "Dashboard".
export * from './web/web-contract';
export { WebAccountService, passwordSchema, emailSchema, merchantUserRoleSchema } from './web/accounts/web-account.service';
export { WebAccount, WebAccountRow, MERCHANT_USER_ROLES, normalizeEmail, webAccountFromRow } from './web/accounts/web-account';
export { WebSessionStore, SESSION_LIMITS, hashSessionId } from './web/sessions/web-session.store';
export { PasswordLinkService, PASSWORD_LINK_TTL } from './web/accounts/password-link.service';
export { SCRYPT_PARAMS, hashPassword, verifyPassword, needsRehash, decoyHash } from './web/accounts/password-hasher';
export { readCookie, tokensMatch } from './http/cookies';
export { CORE_TEMPLATES_DIR, DEFAULT_THEME_DIR } from './templates-dir';
export { ThemeFiles, ThemeFileError } from './pages/theme-files';
export { cardBrandLabel } from './pages/card-brand-label';
export { brandMarkUrl } from './pages/card-brand-mark';
export { OperatorBrand, DEFAULT_BRAND, brandTemplateData } from './config/brand-config';
// What @tender/dashboard reads and changes through core's services (its screens hold no
// business rule of their own: a refund from the dashboard is RefundService's refund).
export { OPERATOR_ACTOR, operatorAccountActor } from './audit/audit-log';
export { AuditLog } from './audit/audit-log';
export { BankCatalogueService } from './banks/bank-catalogue.service';
export { BankConnectionRepository } from './banks/bank-connection';
export { Branding } from './branding/branding';
export { BrandingInput, brandingSchema, FONT_STACKS } from './branding/branding-input';
export { BrandingService } from './branding/branding.service';
export { BrandingPreview } from './pages/branding-preview';
export { isMysql } from './db/database';
export { usingIndex } from './db/index-hint';
export { loggedPathOf, requestIdOf } from './http/middleware/request-log';
export { newNonce, sendPage } from './http/pay/page-response';
export { IdempotencyService } from './idempotency/idempotency.service';
export { sendIdempotent, idempotencyKeyOf } from './http/respond';
export { ApiKeyManagementService } from './merchants/api-key-management.service';
export { merchantView } from './merchants/merchant-view';
export { MerchantRepository } from './merchants/merchant.repository';
export { onboardingStatusView } from './merchants/onboarding-status';
export { OnboardingService, recordContractSchema, ApplyOptions } from './merchants/onboarding.service';
export {
  OnboardingDocuments,
  OnboardingDocument,
  DocumentType,
  DOCUMENT_MAX_BYTES,
  sniffDocumentType,
  safeFileName,
  isHostileFileName,
} from './merchants/onboarding-documents';
export { BusinessCalendar, businessDaysBetween, parseBusinessCalendar } from './merchants/business-calendar';
export { formatInZone, isTimeZone, OFFERED_TIME_ZONES } from './merchants/merchant-time';
export { companyDetailsSchema, CompanyDetailsInput } from './merchants/company-details';
export { toMinorUnits } from './money/money';
export { RiskReviewService } from './monitoring/risk-review.service';
export type { RiskReview } from './monitoring/risk-review';
export { RiskRuleSetService } from './monitoring/risk-rule-set.service';
export { RiskRulePreview, PreviewedPayment, PREVIEW_MAX } from './monitoring/risk-rule-preview';
export { RiskRuleRegistry } from './monitoring/risk-rule.registry';
export type { RiskVerdict } from './monitoring/risk-engine';
export { WebhookDeliveryLog } from './notifications/webhooks/webhook-delivery-log';
export { webhookAttemptHistory } from './notifications/webhooks/webhook-attempt-history';
export type { DeliveryAttemptView } from './notifications/webhooks/webhook-attempt-history';
export { createEndpointSchema } from './notifications/webhooks/webhook-endpoint-input';
export { WebhookEndpointService } from './notifications/webhooks/webhook-endpoint.service';
export { formatAmount } from './pages/amount-format';
export { PAGE_LOCALES, PageLocale, chooseLocale, directionOf, isPageLocale } from './pages/page-locale';
export { PaymentLinkService, linkView } from './payment-links/payment-link.service';
export { Refund, refundFromRow } from './refunds/refund';
export { BREAKER, BreakerState, ConnectionHealth } from './routing/connection-health';
export { RoutingRule, RoutingRuleSet, routingRuleSetSchema } from './routing/routing-rules';
export { RoutingService } from './routing/routing.service';
// Payments the buyer completes elsewhere (QR codes, wallets): settled by verified notifications or inquiries, expired in time.
export { AwaitedPaymentSettler, AwaitedSettlement, NotificationAnswer, VerifiedNotification } from './payments/awaited-payment-settler';
export { BankOperation, EXPIRED_ACTION_CODE } from './banks/bank-operation';
export { webUrl } from './pages/next-action-page';
export { ButtonMethodPage, ButtonPartOptions, ButtonPartTexts } from './methods/button-method-page';
export { signNotification, verifyNotificationSignature } from './payments/notification-signature';
export { COOKIE_LIMITS, WEB_LOCALE_MAX_AGE_MS, WebCookieScope, clearWebCookie, parseCookieHeader, setWebCookie, webCookieOptions } from './http/cookies';
export { CSRF_FIELD, CSRF_HEADER, FormTokenCookie, csrfTokenOk, formTokenOk, issueFormToken, retireFormToken, submittedCsrfToken } from './web/csrf';
export {
  SharedHelper,
  TEMPLATE_COMPILE,
  TEMPLATE_RUNTIME,
  TemplateEnv,
  TemplateEnvOptions,
  compileTemplate,
  createTemplateEnv,
  safeJson,
} from './templating/template-env';
export {
  DECIMAL_PATTERN,
  DecimalAmountRules,
  Money,
  currencyExponent,
  decimalText,
  decimalToMinor,
  minorToDecimal,
  parseDecimalAmount,
} from './money/decimal-amount';
export { AwaitedSandbox, AwaitedSandboxSchema, SandboxNotifier, SandboxRow } from './payments/awaited-sandbox';
export { AwaitedMethodAdapter, AwaitedMethodTexts, AwaitedPaymentStatus, AwaitedRefundStatus } from './payments/awaited-method-adapter';
export { JobScheduler } from './scheduling/job-scheduler';
export { ScheduledJob } from './scheduling/scheduled-job';
export { PaymentAttempt, PaymentAttemptRepository } from './routing/payment-attempt.repository';
export { lockRowsForCluster } from './db/database';
export type { DbBoolean, InsertRow } from './db/tables';
