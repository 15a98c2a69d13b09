import { AttemptCheck, AttemptRule, clientAddressSubject } from '@tender/core';

const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * The dashboard's and the console's limits, kept by the AttemptLimiter. Per e-mail (known
 * or not, so the answer never tells which e-mails have accounts): 5 password attempts
 * within 15 minutes, then locked for 15 minutes; a right password clears the count. Per
 * account: 5 TOTP codes the same way. Per client address: 30 wrong attempts of either
 * kind within 15 minutes lock the address, which slows spraying one password over many
 * e-mails. Set-password link requests: 5 per e-mail per hour (mailbox flooding), counted
 * from the address too.
 */
export const SIGNIN_LIMITS = {
  perEmail: { purpose: 'web_signin_email', attempts: 5, windowMs: FIFTEEN_MINUTES, lockMs: FIFTEEN_MINUTES, onSuccess: 'clear' },
  perAccountCode: { purpose: 'web_signin_totp', attempts: 5, windowMs: FIFTEEN_MINUTES, lockMs: FIFTEEN_MINUTES, onSuccess: 'clear' },
  perAddress: { purpose: 'web_signin_address', attempts: 30, windowMs: FIFTEEN_MINUTES, lockMs: FIFTEEN_MINUTES, onSuccess: 'release' },
  passwordLinksPerEmail: { purpose: 'web_password_link_email', attempts: 5, windowMs: 3600_000, lockMs: 3600_000, onSuccess: 'keep' },
} as const satisfies Record<string, AttemptRule>;

/**
 * A password attempt (sign-in or password change) for an e-mail of a realm, from an address.
 * The e-mail comes first, so guesses at a locked e-mail do not use up the address.
 *
 * @example
 * ```ts
 * const decision = await limiter.reserve(passwordAttempt('merchant', 'owner@shop.example', req.ip));
 * ```
 */
export function passwordAttempt(realm: string, email: string, address: string | undefined): AttemptCheck[] {
  return [
    { rule: SIGNIN_LIMITS.perEmail, subject: `${realm}:${email}` },
    { rule: SIGNIN_LIMITS.perAddress, subject: clientAddressSubject(address) },
  ];
}

/** A TOTP code for an account (at sign-in, or to turn the factor off), from an address. */
export function codeAttempt(accountId: string, address: string | undefined): AttemptCheck[] {
  return [
    { rule: SIGNIN_LIMITS.perAccountCode, subject: accountId },
    { rule: SIGNIN_LIMITS.perAddress, subject: clientAddressSubject(address) },
  ];
}

/** A request for a set-password link. */
export function passwordLinkRequest(realm: string, email: string, address: string | undefined): AttemptCheck[] {
  return [
    { rule: SIGNIN_LIMITS.passwordLinksPerEmail, subject: `${realm}:${email}` },
    { rule: SIGNIN_LIMITS.perAddress, subject: clientAddressSubject(address) },
  ];
}
