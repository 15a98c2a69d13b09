import { MerchantUserRole, WebRealm, WebRole } from '../web-contract';
import type { WebAccountsTable } from '../../db/tables';

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

/** A row of web_accounts, as core's table declaration has it. */
export type WebAccountRow = WebAccountsTable;

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
