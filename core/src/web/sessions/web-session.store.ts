import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { DATABASE, Database } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { randomToken } from '../../ids/ids';
import { WebRealm } from '../web-contract';
import type { WebSessionsTable } from '../../db/tables';

/**
 * Session lifetimes. Idle: signed out after 30 minutes without a request. Absolute:
 * after 12 hours whatever happens, so a stolen cookie is not good forever. A session
 * waiting for its TOTP code lives 5 minutes.
 */
export const SESSION_LIMITS = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000, pendingMs: 5 * 60_000, touchEveryMs: 60_000 } as const;

/** 'password': the password was right and a TOTP code is still due; 'full': signed in. */
export type SessionStage = 'password' | 'full';

export interface WebSession {
  readonly idHash: string;
  readonly accountId: string;
  readonly realm: WebRealm;
  readonly csrfToken: string;
  readonly mode: 'test' | 'live';
  readonly stage: SessionStage;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
}

type SessionRow = WebSessionsTable;

/** Only this hash of a session id is stored; the id itself lives in the browser's cookie. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/**
 * Server-side sessions in the database (web_sessions), so any gateway process serves
 * any request. The cookie holds a random id of about 190 bits; the table holds its
 * SHA-256. A new id is issued at every sign-in step (no session fixation).
 *
 * @example
 * ```ts
 * const { id } = await sessions.create(account.id, 'merchant', 'full', 'test');
 * setWebCookie(req, res, 'tender_dashboard_session', id, { publicUrl, path: '/dashboard' });
 * const session = await sessions.read(id); // undefined once expired or signed out
 * ```
 */
@injectable()
export class WebSessionStore {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(accountId: string, realm: WebRealm, stage: SessionStage, mode: 'test' | 'live'): Promise<{ id: string; session: WebSession }> {
    const id = randomToken(32);
    const now = this.clock.now();
    const row: SessionRow = {
      id_hash: hashSessionId(id),
      account_id: accountId,
      realm,
      csrf_token: randomToken(32),
      mode,
      stage,
      created_at: now,
      last_seen_at: now,
      expires_at: now + (stage === 'full' ? SESSION_LIMITS.absoluteMs : SESSION_LIMITS.pendingMs),
    };
    await this.db('web_sessions').insert(row);
    return { id, session: fromRow(row) };
  }

  /** The live session for a cookie value, refreshing its idle timer; undefined when unknown or expired. */
  async read(id: string, realm: WebRealm): Promise<WebSession | undefined> {
    if (!/^[0-9A-Za-z]{32}$/.test(id)) return undefined;
    const idHash = hashSessionId(id);
    const row = (await this.db('web_sessions').where({ id_hash: idHash, realm }).first()) as SessionRow | undefined;
    if (row === undefined) return undefined;
    const session = fromRow(row);
    const now = this.clock.now();
    const idleLimit = session.stage === 'full' ? SESSION_LIMITS.idleMs : SESSION_LIMITS.pendingMs;
    if (now >= session.expiresAt || now - session.lastSeenAt >= idleLimit) {
      await this.db('web_sessions').where({ id_hash: idHash }).delete();
      return undefined;
    }
    // One write a minute at most: the idle timer does not need millisecond precision.
    if (now - session.lastSeenAt >= SESSION_LIMITS.touchEveryMs) {
      await this.db('web_sessions').where({ id_hash: idHash }).update({ last_seen_at: now });
      return { ...session, lastSeenAt: now };
    }
    return session;
  }

  /** Replaces a session by a new id (and a new CSRF token) at the next sign-in step. */
  async promote(oldIdHash: string, session: WebSession, stage: SessionStage): Promise<{ id: string; session: WebSession }> {
    return inTransaction(this.db, async (trx) => {
      const removed = await trx('web_sessions').where({ id_hash: oldIdHash }).delete();
      if (removed !== 1) throw new Error('session vanished while signing in');
      const id = randomToken(32);
      const now = this.clock.now();
      const row: SessionRow = {
        id_hash: hashSessionId(id),
        account_id: session.accountId,
        realm: session.realm,
        csrf_token: randomToken(32),
        mode: session.mode,
        stage,
        created_at: now,
        last_seen_at: now,
        expires_at: now + (stage === 'full' ? SESSION_LIMITS.absoluteMs : SESSION_LIMITS.pendingMs),
      };
      await trx('web_sessions').insert(row);
      return { id, session: fromRow(row) };
    });
  }

  async setMode(idHash: string, mode: 'test' | 'live'): Promise<void> {
    await this.db('web_sessions').where({ id_hash: idHash }).update({ mode });
  }

  async destroy(idHash: string): Promise<void> {
    await this.db('web_sessions').where({ id_hash: idHash }).delete();
  }

  /** Sign-out everywhere: every session of the account, except `keepIdHash` when given. */
  async destroyAllFor(accountId: string, keepIdHash?: string): Promise<number> {
    const q = this.db('web_sessions').where({ account_id: accountId });
    if (keepIdHash !== undefined) q.whereNot({ id_hash: keepIdHash });
    return q.delete();
  }

  async countFor(accountId: string): Promise<number> {
    const row = await this.db('web_sessions').where({ account_id: accountId }).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /**
   * Deletes what can no longer be used (run hourly; reads already refuse it): expired
   * sessions, spent or expired set-password links. (Attempt counters: AttemptLimiter.purgeExpired.)
   */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    const sessions = await this.db('web_sessions')
      .where('expires_at', '<=', now)
      .orWhere('last_seen_at', '<=', now - SESSION_LIMITS.idleMs)
      .delete();
    await this.db('web_password_links').where('expires_at', '<=', now).orWhereNotNull('used_at').delete();
    return sessions;
  }
}

function fromRow(row: SessionRow): WebSession {
  return {
    idHash: row.id_hash,
    accountId: row.account_id,
    realm: row.realm === 'operator' ? 'operator' : 'merchant',
    csrfToken: row.csrf_token,
    mode: row.mode === 'live' ? 'live' : 'test',
    stage: row.stage === 'full' ? 'full' : 'password',
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
  };
}
