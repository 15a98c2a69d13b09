import { randomInt } from 'node:crypto';
import { POS_CONDITION_ACCOUNT_VERIFICATION, POS_ENTRY_CREDENTIAL_ON_FILE, StoredCredentialIndicator, parseStoredCredentialIndicator } from '../card-on-file';

/** A stored credential as the simulator received it (`SC` and `OR` of the private field). */
export interface ReceivedStoredCredential extends StoredCredentialIndicator {
  readonly originalReference: string | undefined;
}

/** What a card request says about card on file and account verification, or the response code refusing it. */
export type CardOnFileCheck =
  | { readonly ok: true; readonly storedCredential: ReceivedStoredCredential | undefined; readonly verification: boolean }
  | { readonly ok: false; readonly code: string };

/**
 * The simulator's rules for stored credentials and account verification
 * (docs/iso8583.md, "Card on file"), before the card's own behaviour is looked at.
 * Format errors (30): an `SC` that does not parse; a merchant-initiated request that
 * is the credential's first use, has no original reference (`OR`), or carries a
 * CVV2 or 3-D Secure data; a stored credential used again that is not sent as credential
 * on file (22 = 102); an account verification (25 = 51) that is not a 0100 with a zero
 * amount. A zero amount without 25 = 51 is 13 (invalid amount).
 */
export function checkCardOnFile(
  mti: string,
  amount: number,
  posEntryMode: string,
  posCondition: string,
  tags: Readonly<Record<string, string>>,
): CardOnFileCheck {
  const verification = posCondition === POS_CONDITION_ACCOUNT_VERIFICATION;
  if (verification && (mti !== '0100' || amount !== 0)) return { ok: false, code: '30' };
  if (!verification && amount === 0) return { ok: false, code: '13' };
  if (tags.SC === undefined) return { ok: true, storedCredential: undefined, verification };
  const indicator = parseStoredCredentialIndicator(tags.SC);
  if (indicator === undefined) return { ok: false, code: '30' };
  if (indicator.sequence === 'subsequent' && posEntryMode !== POS_ENTRY_CREDENTIAL_ON_FILE) return { ok: false, code: '30' };
  if (indicator.initiator === 'merchant') {
    if (indicator.sequence === 'first' || tags.OR === undefined) return { ok: false, code: '30' };
    if (tags.CV !== undefined || tags.EC !== undefined || tags.CA !== undefined) return { ok: false, code: '30' };
  }
  return { ok: true, storedCredential: { ...indicator, originalReference: tags.OR }, verification };
}

/** A network reference for an approved card payment: 15 digits, as a card network's transaction identifier. */
export function newNetworkReference(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 15) digits += String(randomInt(0, 10));
  return digits;
}
