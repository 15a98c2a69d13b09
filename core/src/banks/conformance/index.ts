export { runBankAdapterConformance, BankAdapterConformanceOptions, ConformanceSubject, ConformanceTestApi } from './conformance-suite';
export { CONFORMANCE_ACCOUNT_BALANCE, CONFORMANCE_CARDS, CONFORMANCE_DECLINES } from './conformance-cards';
