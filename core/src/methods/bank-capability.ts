import { AccountDebitRequest, BankAdapter, BankConnectionTerms, BankResult, CardData } from '../banks/bank-adapter';

/**
 * What a payment method needs from a bank. The well-known ones map onto BankAdapter
 * operations:
 *
 * | capability           | adapter operation          | offered when                         |
 * | -------------------- | -------------------------- | ------------------------------------ |
 * | `card_authorization` | `authorize` (+ 3-D Secure) | always, unless `capabilities` omits it |
 * | `account_debit`      | `debitAccount`             | the adapter has `debitAccount`       |
 * | `redirect`           | `pay` (answers `action_required`) | listed in `capabilities`      |
 * | `async_confirmation` | `pay` (answers `unknown`, settled by inquiry) | listed in `capabilities` |
 *
 * Any other string is a plugin's own capability (e.g. `voucher_redemption`), served
 * by adapters that list it in `capabilities` and implement `pay`.
 */
export type BankCapability = 'card_authorization' | 'account_debit' | 'redirect' | 'async_confirmation' | (string & Record<never, never>);

export const WELL_KNOWN_CAPABILITIES = ['card_authorization', 'account_debit', 'redirect', 'async_confirmation'] as const;

/** The capabilities an adapter offers: its own list, or what its operations imply. */
export function capabilitiesOf(adapter: BankAdapter): readonly string[] {
  if (adapter.capabilities !== undefined) return adapter.capabilities;
  return adapter.debitAccount === undefined ? ['card_authorization'] : ['card_authorization', 'account_debit'];
}

/** True when `adapter` can serve a method that needs `capability` (the operation exists, too). */
export function supportsCapability(adapter: BankAdapter, capability: string): boolean {
  if (!capabilitiesOf(adapter).includes(capability)) return false;
  if (capability === 'card_authorization') return true;
  if (capability === 'account_debit') return adapter.debitAccount !== undefined;
  return adapter.pay !== undefined;
}

/**
 * What the bank is sent for an instrument, by kind: a card (authorize), a personal
 * account (debitAccount), or a method's own fields (pay).
 */
export type BankInstrument =
  | { readonly kind: 'card'; readonly card: CardData }
  | { readonly kind: 'account'; readonly account: AccountDebitRequest['account'] }
  | { readonly kind: 'fields'; readonly fields: Readonly<Record<string, string>> };

/** The part of a bank request that does not depend on the method. */
export interface BankPaymentBase {
  readonly reference: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly capture: boolean;
  readonly livemode: boolean;
  readonly connection: BankConnectionTerms;
  /** A risk challenge asked for cardholder authentication (card_authorization only). */
  readonly requireAuthentication?: boolean;
  /** Only verify the card, charging nothing (card_authorization only; AuthorizationRequest.verification). */
  readonly verification?: boolean;
}

/**
 * Asks `adapter` for a payment through the operation `capability` maps to. A
 * mismatch between capability and instrument, or an adapter without the operation,
 * is a programming error (routing only offers adapters that support the capability).
 */
export function payThrough(adapter: BankAdapter, capability: string, base: BankPaymentBase, instrument: BankInstrument): Promise<BankResult> {
  if (capability === 'card_authorization') {
    if (instrument.kind !== 'card') throw new Error(`capability ${capability} needs a card instrument, got ${instrument.kind}`);
    return adapter.authorize({ ...base, card: instrument.card });
  }
  const { requireAuthentication: _unused, verification: _card, ...rest } = base;
  if (capability === 'account_debit') {
    if (instrument.kind !== 'account') throw new Error(`capability ${capability} needs an account instrument, got ${instrument.kind}`);
    const debit = adapter.debitAccount?.bind(adapter);
    if (debit === undefined) throw new Error(`adapter ${adapter.code} cannot debit accounts`);
    return debit({ ...rest, account: instrument.account });
  }
  if (instrument.kind !== 'fields') throw new Error(`capability ${capability} needs a fields instrument, got ${instrument.kind}`);
  const pay = adapter.pay?.bind(adapter);
  if (pay === undefined) throw new Error(`adapter ${adapter.code} has no pay operation for ${capability}`);
  return pay({ ...rest, capability, instrument: instrument.fields });
}
