/**
 * A Russian mobile number in E.164 form: `+7`, then `9`, then nine digits. The buyer
 * may type spaces, dashes, brackets and a leading `8` (the domestic trunk prefix);
 * anything else (letters, another country, a fixed-line `+7 495`) is refused.
 *
 * @example
 * ```ts
 * parseRussianMobile('8 (916) 123-45-67'); // { e164: '+79161234567', def: '916', subscriber: '1234567' }
 * parseRussianMobile('+7 495 123-45-67');  // undefined
 * ```
 */
export interface PhoneNumber {
  /** `+79161234567` */
  readonly e164: string;
  /** The three-digit DEF code (`916`) and the seven-digit subscriber part, as the numbering plan keys them. */
  readonly def: string;
  readonly subscriber: string;
}

const SEPARATORS = /[\s\-().\u00a0]/g;

/** Undefined when `raw` is not a Russian mobile number. */
export function parseRussianMobile(raw: string): PhoneNumber | undefined {
  if (raw.length > 32) return undefined;
  const compact = raw.replace(SEPARATORS, '');
  const digits = /^\+7(\d{10})$/.exec(compact)?.[1] ?? /^8(\d{10})$/.exec(compact)?.[1] ?? /^7(\d{10})$/.exec(compact)?.[1];
  if (digits === undefined || !digits.startsWith('9')) return undefined;
  return { e164: `+7${digits}`, def: digits.slice(0, 3), subscriber: digits.slice(3) };
}

/** `+7 916 ***-**-67`: what pages, e-mails and logs show. */
export function maskPhone(e164: string): string {
  return `${e164.slice(0, 2)} ${e164.slice(2, 5)} ***-**-${e164.slice(-2)}`;
}
