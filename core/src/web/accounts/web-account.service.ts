import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { CLOCK, Clock } from '../../clock/clock';
import { DATABASE, Database, Queryable, isUniqueViolation, lockRowsForCluster } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { TenderError } from '../../errors/tender-error';
import { newId } from '../../ids/ids';
import { MerchantUserRole } from '../web-contract';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, hashPassword, verifyPassword } from './password-hasher';
import { MERCHANT_USER_ROLES, WebAccount, WebAccountRow, normalizeEmail, webAccountFromRow } from './web-account';

export const emailSchema = z.string().trim().min(3).max(320).email().transform(normalizeEmail);
export const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);
export const merchantUserRoleSchema = z.enum(MERCHANT_USER_ROLES as [MerchantUserRole, ...MerchantUserRole[]]);

/**
 * The people who sign in to the dashboard (a merchant's users) and the console
 * (operators). Creating, listing, changing roles and removing; passwords are set
 * here (hashed) and checked by WebSignin.
 *
 * @example
 * ```ts
 * const owner = await accounts.createMerchantUser({ merchantId: 'mer_1', email: 'owner@shop.example', role: 'owner', password: 'a long passphrase' });
 * const op = await accounts.createOperator({ email: 'ops@tender.example', password: 'another passphrase' });
 * ```
 */
@injectable()
export class WebAccountService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A merchant's user; without a password it can only sign in after following a set-password link. */
  async createMerchantUser(
    input: { merchantId: string; email: string; role: MerchantUserRole; password?: string },
    q: Queryable = this.db,
  ): Promise<WebAccount> {
    return this.insert(q, { realm: 'merchant', merchantId: input.merchantId, email: input.email, role: input.role, password: input.password });
  }

  async createOperator(input: { email: string; password?: string }, q: Queryable = this.db): Promise<WebAccount> {
    return this.insert(q, { realm: 'operator', merchantId: undefined, email: input.email, role: 'operator', password: input.password });
  }

  async findById(id: string): Promise<WebAccount | undefined> {
    const row = (await this.db('web_accounts').where({ id }).first()) as WebAccountRow | undefined;
    return row === undefined ? undefined : webAccountFromRow(row);
  }

  async findByEmail(realm: 'merchant' | 'operator', email: string): Promise<WebAccount | undefined> {
    const row = (await this.db('web_accounts')
      .where({ realm, email: normalizeEmail(email) })
      .first()) as WebAccountRow | undefined;
    return row === undefined ? undefined : webAccountFromRow(row);
  }

  /** A merchant's users, owners first; bounded (a team is small, the cap keeps the page bounded anyway). */
  async team(merchantId: string): Promise<WebAccount[]> {
    const rows = (await this.db('web_accounts')
      .where({ realm: 'merchant', merchant_id: merchantId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(200)) as WebAccountRow[];
    const rank = (a: WebAccount): number => MERCHANT_USER_ROLES.indexOf(a.role as MerchantUserRole);
    return rows.map(webAccountFromRow).sort((a, b) => rank(a) - rank(b));
  }

  async countMerchantUsers(merchantId: string): Promise<number> {
    const row = await this.db('web_accounts').where({ realm: 'merchant', merchant_id: merchantId }).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async setPassword(accountId: string, password: string, q: Queryable = this.db): Promise<void> {
    assertPassword(password);
    await q('web_accounts')
      .where({ id: accountId })
      .update({ password_hash: await hashPassword(password), updated_at: this.clock.now() });
  }

  /**
   * The account's own password change: the current password proves it is the person,
   * not just their open session. Every other session ends. False when the current password is wrong.
   */
  async changePassword(accountId: string, current: string, next: string, keepSessionIdHash: string): Promise<boolean> {
    assertPassword(next);
    const row = (await this.db('web_accounts').where({ id: accountId }).first()) as WebAccountRow | undefined;
    if (row === undefined || row.password_hash === null || !(await verifyPassword(current, row.password_hash))) return false;
    const hash = await hashPassword(next);
    await inTransaction(this.db, async (trx) => {
      await trx('web_accounts').where({ id: accountId }).update({ password_hash: hash, updated_at: this.clock.now() });
      await trx('web_sessions').where({ account_id: accountId }).whereNot({ id_hash: keepSessionIdHash }).delete();
    });
    return true;
  }

  /** Changes a user's role within its merchant; the last owner cannot stop being one. */
  async changeRole(merchantId: string, accountId: string, role: MerchantUserRole): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const target = await this.lockedMember(trx, merchantId, accountId);
      if (target.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(trx, merchantId, accountId);
      await trx('web_accounts').where({ id: accountId }).update({ role, updated_at: this.clock.now() });
    });
  }

  /** Removes a user and its sessions; the last owner stays. */
  async removeMerchantUser(merchantId: string, accountId: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const target = await this.lockedMember(trx, merchantId, accountId);
      if (target.role === 'owner') await this.assertAnotherOwner(trx, merchantId, accountId);
      await trx('web_sessions').where({ account_id: accountId }).delete();
      await trx('web_password_links').where({ account_id: accountId }).delete();
      await trx('web_accounts').where({ id: accountId }).delete();
    });
  }

  private async lockedMember(trx: Queryable, merchantId: string, accountId: string): Promise<WebAccount> {
    // Owner rows are locked so two owners removing each other at once cannot leave none;
    // by a write, so the lock also holds between two nodes of a Galera cluster.
    await lockRowsForCluster(trx, trx('web_accounts').where({ realm: 'merchant', merchant_id: merchantId, role: 'owner' }), 'updated_at');
    const row = (await trx('web_accounts').where({ id: accountId, realm: 'merchant', merchant_id: merchantId }).first()) as WebAccountRow | undefined;
    if (row === undefined) throw new TenderError('resource_not_found', { message: 'No such user.' });
    return webAccountFromRow(row);
  }

  private async assertAnotherOwner(trx: Queryable, merchantId: string, exceptId: string): Promise<void> {
    const row = await trx('web_accounts')
      .where({ realm: 'merchant', merchant_id: merchantId, role: 'owner' })
      .whereNot({ id: exceptId })
      .count({ n: '*' })
      .first();
    if (Number(row?.n ?? 0) === 0) throw new TenderError('web_last_owner');
  }

  private async insert(
    q: Queryable,
    a: { realm: 'merchant' | 'operator'; merchantId: string | undefined; email: string; role: string; password: string | undefined },
  ): Promise<WebAccount> {
    const email = emailSchema.safeParse(a.email);
    if (!email.success) throw new TenderError('parameter_invalid', { param: 'email', message: 'Enter an e-mail address like someone@example.com.' });
    if (a.password !== undefined) assertPassword(a.password);
    const now = this.clock.now();
    const row: WebAccountRow = {
      id: newId(a.realm === 'operator' ? 'opr' : 'usr'),
      realm: a.realm,
      merchant_id: a.merchantId ?? null,
      email: email.data,
      role: a.role,
      password_hash: a.password === undefined ? null : await hashPassword(a.password),
      totp_key_version: null,
      totp_secret_box: null,
      totp_enabled: false,
      totp_last_step: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await q('web_accounts').insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new TenderError('web_account_exists', { param: 'email' });
      throw error;
    }
    return webAccountFromRow(row);
  }
}

export function assertPassword(password: string): void {
  if (!passwordSchema.safeParse(password).success) throw new TenderError('web_password_weak', { param: 'password' });
}
