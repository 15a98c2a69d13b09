import { StoredCredential } from '@tender/core';

/** Field 22: PAN entered for e-commerce (81), no PIN entry capability (2). */
export const POS_ENTRY_ECOMMERCE = '812';
/** Field 22: credential on file (10: the PAN comes from the merchant's stored credential), no PIN entry capability (2). */
export const POS_ENTRY_CREDENTIAL_ON_FILE = '102';
/** Field 25: e-commerce, card not present. */
export const POS_CONDITION_ECOMMERCE = '59';
/** Field 25: request for account number verification without authorization (ISO 8583:1987); field 4 is zero. */
export const POS_CONDITION_ACCOUNT_VERIFICATION = '51';

/** The longest original network reference the private field's `OR` tag carries. */
const ORIGINAL_REFERENCE = /^[\x21-\x7e]{1,40}$/;

/** The stored-credential facts as the private field's `SC` tag says them. */
export interface StoredCredentialIndicator {
  readonly initiator: StoredCredential['initiator'];
  readonly sequence: StoredCredential['sequence'];
  readonly reason: StoredCredential['reason'];
}

/**
 * The private field's `SC` tag (3 characters): initiator (`C` cardholder, `M`
 * merchant), sequence (`F` the first use, which stores the credential; `S` a later
 * use of a stored one), reason (`R` recurring, `U` unscheduled, `0` none given).
 *
 * @example
 * ```ts
 * storedCredentialIndicator({ initiator: 'merchant', sequence: 'subsequent', reason: 'recurring' }); // 'MSR'
 * storedCredentialIndicator({ initiator: 'cardholder', sequence: 'first' }); // 'CF0'
 * ```
 */
export function storedCredentialIndicator(credential: StoredCredential): string {
  const reason = credential.reason === 'recurring' ? 'R' : credential.reason === 'unscheduled' ? 'U' : '0';
  return `${credential.initiator === 'merchant' ? 'M' : 'C'}${credential.sequence === 'first' ? 'F' : 'S'}${reason}`;
}

/** Reads an `SC` tag; undefined when it is not one of the forms storedCredentialIndicator writes. */
export function parseStoredCredentialIndicator(text: string): StoredCredentialIndicator | undefined {
  const match = /^([CM])([FS])([RU0])$/.exec(text);
  if (match === null) return undefined;
  const [, initiator, sequence, reason] = match;
  return {
    initiator: initiator === 'M' ? 'merchant' : 'cardholder',
    sequence: sequence === 'F' ? 'first' : 'subsequent',
    reason: reason === 'R' ? 'recurring' : reason === 'U' ? 'unscheduled' : undefined,
  };
}

/** True when a network reference can travel in the `OR` tag (1-40 printable characters, no spaces). */
export function fitsOriginalReference(reference: string): boolean {
  return ORIGINAL_REFERENCE.test(reference);
}

/**
 * Field 22 for a card authorization: a stored credential used again (sequence
 * `subsequent`, whoever initiates) is credential on file; otherwise the cardholder
 * typed the PAN on a web page (this includes the first payment that stores it).
 */
export function posEntryMode(credential: StoredCredential | undefined): string {
  return credential?.sequence === 'subsequent' ? POS_ENTRY_CREDENTIAL_ON_FILE : POS_ENTRY_ECOMMERCE;
}
