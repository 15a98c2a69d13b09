import { MerchantUserRole, WebRealm, WebRole } from '../web-contract';

export const MERCHANT_USER_ROLES: readonly MerchantUserRole[] = ['owner', 'developer', 'support'];

/** A row of web_accounts as the shell uses it; the password hash and TOTP box stay in the repository. */
export interface WebAccount {
  readonly id: string;
  readonly realm: WebRealm;
  readonly merchantId: string | undefined;
  readonly email: string;
  readonly role: WebRole;
  readonly hasPassword: boolean;
  readonly totpEnabled: boolean;
  readonly createdAt: number;
}

export interface WebAccountRow {
  id: string;
  realm: string;
  merchant_id: string | null;
  email: string;
  role: string;
  password_hash: string | null;
  totp_key_version: string | null;
  totp_secret_box: string | null;
  totp_enabled: number | boolean;
  totp_last_step: number | string | null;
  created_at: number | string;
  updated_at: number | string;
}

export function webAccountFromRow(row: WebAccountRow): WebAccount {
  return {
    id: row.id,
    realm: row.realm === 'operator' ? 'operator' : 'merchant',
    merchantId: row.merchant_id ?? undefined,
    email: row.email,
    role: row.role as WebRole,
    hasPassword: row.password_hash !== null,
    totpEnabled: Boolean(row.totp_enabled),
    createdAt: Number(row.created_at),
  };
}

/** E-mails compare case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
