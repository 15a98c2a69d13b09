/**
 * @tender/core/testing: the conformance suites of every extension point, loadable
 * without the gateway (no express, knex, database drivers or tsyringe container).
 * Each suite returns a ConformanceReport; `assertConforms` throws an AssertionError
 * any test runner reports. The bank adapter suite takes the runner's
 * describe/it/before/after instead, because it starts a test bank once for many checks.
 */
export { ConformanceCheck, ConformanceReport, assertConforms } from './conformance-report';
export { RoutingStrategySubject, checkRoutingStrategy } from './routing-strategy.suite';
export { RiskRuleSubject, checkRiskRule } from './risk-rule.suite';
export { PaymentMethodSubject, checkPaymentMethod } from './payment-method.suite';
export { AwaitedPaymentAdapterSubject, checkAwaitedPaymentAdapter } from './awaited-payment-adapter.suite';
export { CertificateAuthenticatorSubject, CredentialKind, PayerCredentials, checkCertificateAuthenticator } from './certificate-authenticator.suite';
export {
  runBankAdapterConformance,
  BankAdapterConformanceOptions,
  ConformanceSubject,
  ConformanceTestApi,
  CONFORMANCE_CARDS,
  CONFORMANCE_DECLINES,
} from '../banks/conformance';
// The contracts the suites check, so a plugin's tests need nothing else from core.
export type {
  RoutingStrategy,
  RoutingStrategyWrapper,
  RoutingInput,
  RoutingDecision,
  RoutingConnection,
  RoutingChoice,
  RoutingSkip,
  RoutingSkipKind,
  RoutingIneligibleKind,
  BankCapability,
} from '../routing/routing-strategy';
export { ineligibility, unusableBecause } from '../routing/routing-eligibility';
export type { Ineligibility } from '../routing/routing-eligibility';
export type { RiskRule, RiskInput, RiskSignal, RiskHistory } from '../monitoring/risk-rule';
export type { PaymentMethod, PaymentInstrument } from '../methods/payment-method';
export type { CertificateAuthenticator, CertificateAuthenticationRequest, AuthenticatedPayer } from '../certificates/certificate-authenticator';
export type { BankAdapter } from '../banks/bank-adapter';
