import { Clock } from '@tender/core';
import { ConformanceReport, checkAwaitedPaymentAdapter } from '@tender/core/testing';
import { WalletProvider } from './wallet-provider';
import { WALLET_CAPABILITY, WalletAdapter } from './wallet.adapter';

/**
 * Checks a WalletProvider as Tender uses it (through WalletAdapter and core's
 * `checkAwaitedPaymentAdapter`): one payment per reference, a redirect to an
 * http(s) page, status waiting until the buyer acts, refunds bounded and
 * idempotent. `complete` plays the buyer paying or canceling at the test wallet.
 *
 * @example
 * ```ts
 * assertConforms(await runWalletProviderConformance({ wallet, clock, currency: 'RUB', livemode: false, complete: (ref, o) => testWallet.decide(ref, o) }));
 * ```
 */
export function runWalletProviderConformance(subject: {
  readonly wallet: WalletProvider;
  readonly clock: Clock;
  readonly currency: string;
  readonly livemode: boolean;
  complete(reference: string, outcome: 'paid' | 'rejected'): Promise<void>;
}): Promise<ConformanceReport> {
  return checkAwaitedPaymentAdapter({
    adapter: new WalletAdapter(subject.wallet, subject.clock, 30 * 60_000),
    capability: WALLET_CAPABILITY,
    instrument: { return_url: 'https://pay.example/pay/conformance', description: 'Conformance order' },
    currency: subject.currency,
    livemode: subject.livemode,
    nextActionType: 'redirect_to_url',
    complete: subject.complete,
  });
}
