/**
 * @tender/core: the public surface for plugins, adapters and embedding.
 */
import 'reflect-metadata';

export * from './banks/bank-adapter';
export { BankRegistry, UnknownBankAdapterError } from './banks/bank-registry';
export { Clock, CLOCK, FixedClock, SystemClock } from './clock/clock';
export { TenderConfig, loadConfig, ConfigError, DatabaseConfig } from './config/config';
export { CONFIG, ADMIN_TOKEN } from './config/tokens';
export { DATABASE, Database, Queryable, Transaction, createDatabase, forUpdate } from './db/database';
export { migrateToLatest } from './db/migrator';
export { ERROR_CATALOGUE, ErrorCode, ErrorType } from './errors/error-catalogue';
export { TenderError } from './errors/tender-error';
export { Gateway, GatewayOptions } from './gateway';
// The payment-method extension point (docs/architecture.md): contract, page part, capabilities, registry.
export { PaymentMethod, PAYMENT_METHOD, InstrumentContext, PaymentInstrument, InstrumentRecordFacts, PaymentCardColumns } from './methods/payment-method';
export { PaymentMethodPage, MethodPageView, MethodPartState, MethodPageRequest, MethodPageSubmission, MethodPageRefusal, MethodPageLocale } from './methods/payment-method-page';
export { BankCapability, BankInstrument, BankPaymentBase, WELL_KNOWN_CAPABILITIES, capabilitiesOf, supportsCapability, payThrough } from './methods/bank-capability';
export { PaymentMethodRegistry } from './methods/payment-method.registry';
export { methodPartProblem } from './methods/method-part-template';
export { CardPaymentMethod } from './methods/card/card.method';
export { CardInput, parseCardInput, maskedParts } from './methods/card/card-input';
export { PaymentMethodInput, parseMethodInput } from './payments/payment-input';
export { ConfirmPresentation } from './payments/payment.service';
export { passesLuhn } from './methods/card/luhn';
export { detectBrand, CardBrand } from './methods/card/card-brand';
export { CURRENCIES, Currency, findCurrency } from './money/currencies';
export { TenderPlugin, PluginContext, PluginError } from './plugins/plugin';
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
export { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator, CertificateAuthenticationRequest, AuthenticatedPayer, CertificateAuthenticatorRegistry } from './certificates/certificate-authenticator';
export { PAYER_CERTIFICATE_DIRECTORY, PayerCertificateDirectory, PayerCaSummary, PayerCertificateSummary } from './certificates/payer-certificate-directory';
export { tlsClientCertificate } from './http/tls-client-certificate';
// What a plugin's CLI commands build on (docs/plugins.md, "CLI commands").
export { CliCommand, UsageError } from './cli/cli-command';
export { readOrCreateSecret, generateMasterKey } from './config/local-secrets';
export { newId, randomToken } from './ids/ids';
// What protocol plugins (e.g. @tender/plugin-assist-compat) build on.
export { BackgroundJob } from './plugins/plugin';
export { loadPluginModules } from './plugins/plugin-loader';
export { isUniqueViolation } from './db/database';
export { inTransaction } from './db/transaction';
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
export { Payment, paymentFromRow } from './payments/payment';
export { RETURN_URL_CHOOSER, ReturnUrlChooser, ReturnOutcome } from './pages/return-url-chooser';
export { paymentView } from './payments/payment-view';
export { PaymentService } from './payments/payment.service';
export { RefundService } from './refunds/refund.service';
export { MAX_AMOUNT } from './money/money';
export * from './banks/conformance';
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
// The web shell (dashboard and console): the contract screens build on, and the account services tests use.
export * from './web/web-contract';
export { WebAccountService } from './web/accounts/web-account.service';
export { WebAccount, MERCHANT_USER_ROLES } from './web/accounts/web-account';
export { WebSessionStore, SESSION_LIMITS, hashSessionId } from './web/sessions/web-session.store';
export { TotpService } from './web/accounts/totp.service';
export { PasswordLinkService } from './web/accounts/password-link.service';
export { SIGNIN_LIMITS } from './web/accounts/signin-limits';
export { SCRYPT_PARAMS } from './web/accounts/password-hasher';
export { hashPassword, verifyPassword, needsRehash } from './web/accounts/password-hasher';
export { WEB_TEMPLATES_DIR } from './web/web-views';
export { safeNext } from './web/web-auth.middleware';
