export { runBankAdapterConformance, BankAdapterConformanceOptions, ConformanceSubject, ConformanceTestApi } from './conformance-suite';
export { CONFORMANCE_CARDS, CONFORMANCE_DECLINES } from './conformance-cards';
