/**
 * @tender/core: the public surface for plugins, adapters and embedding.
 */
import 'reflect-metadata';

export * from './banks/bank-adapter';
export { BankRegistry, UnknownBankAdapterError } from './banks/bank-registry';
export { Clock, CLOCK, FixedClock, SystemClock } from './clock/clock';
export { TenderConfig, loadConfig, ConfigError, DatabaseConfig } from './config/config';
export { CONFIG, ADMIN_TOKEN } from './config/tokens';
export { DATABASE, Database, createDatabase } from './db/database';
export { migrateToLatest } from './db/migrator';
export { ERROR_CATALOGUE, ErrorCode, ErrorType } from './errors/error-catalogue';
export { TenderError } from './errors/tender-error';
export { Gateway, GatewayOptions } from './gateway';
export { PaymentMethod, PreparedPaymentMethod, PAYMENT_METHOD } from './methods/payment-method';
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
export { EventOutbox, NewEvent } from './notifications/event-outbox';
export { EVENT_TYPES } from './notifications/event-types';
export { WebhookUrlGuard } from './notifications/webhooks/webhook-url-guard';
export { isForbiddenAddress } from './notifications/webhooks/forbidden-addresses';
export { nextDelay, RetryPolicy } from './notifications/retry-schedule';
export { EmailRenderer } from './notifications/email/email-renderer';
export { WebhookDispatcher } from './notifications/webhooks/webhook-dispatcher';
export { EmailDispatcher } from './notifications/email/email-dispatcher';
