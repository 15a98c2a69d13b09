import { Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { Clock } from '../clock/clock';
import { signNotification, verifyNotificationSignature } from './notification-signature';

/** Delivers a signed notification to the gateway's handler (the plugin wires it); answers its HTTP status. */
export type SandboxNotifier = (raw: Buffer, header: (name: string) => string | undefined) => Promise<{ readonly status: number }>;

/** A row of a sandbox's own table, as knex reads it. */
export type SandboxRow = Record<string, unknown>;

/** The payments table's shared columns that `returnOnce` reads (see AwaitedSandboxSchema). */
interface SandboxPaymentColumns {
  reference: string;
  amount: number;
  currency: string;
  status: string;
  refunded: number;
  updated_at: number;
}

/** The returns table's shared columns (the paid payment's reference is in `paymentColumn`). */
interface SandboxReturnColumns {
  reference: string;
  amount: number;
  status: string;
  created_at: number;
}

/**
 * Where a sandbox keeps its payments and returns, and the words it uses. The payments
 * table has `reference` (primary key), `amount`, `currency`, `status`, `refunded`,
 * `expires_at`, `created_at`, `updated_at` and the sandbox's own columns; the returns
 * table has `reference`, `amount`, `status`, `created_at` and `paymentColumn` (the
 * paid payment's reference).
 */
export interface AwaitedSandboxSchema {
  readonly payments: string;
  readonly returns: string;
  readonly paymentColumn: string;
  /** The status of a payment still waiting for the tester, and of one paid. */
  readonly waiting: string;
  readonly paid: string;
  /** A return's outcome, as the sandbox's protocol names it. */
  readonly returned: string;
  readonly notReturned: string;
  /** The header its notifications carry: `sha256=<hex HMAC-SHA256 of the raw body>`. */
  readonly signatureHeader: string;
}

/**
 * The shared part of the simulated banks and wallets of methods the buyer completes
 * elsewhere (SBP's sandbox bank, the sandbox e-wallet): payments kept in the plugin's
 * own table, registered once per reference, expired by time, decided by the tester
 * (the first decision counts, a repeated one notifies again: a duplicate the gateway
 * must ignore; a decision after the expiry is accepted on purpose, so late payments
 * can be tried), returns made once per reference and never more than was paid, and
 * notifications signed with HMAC-SHA256 under the plugin's sandbox secret. A
 * subclass maps this onto its protocol (SbpBank, WalletProvider) and its body format.
 *
 * @example
 * ```ts
 * class SandboxAcme extends AwaitedSandbox implements AcmeProvider {
 *   constructor(db: Database, clock: Clock, secret: string) {
 *     super(db, clock, secret, { payments: 'acme_sandbox_payments', returns: 'acme_sandbox_returns', paymentColumn: 'payment_reference', waiting: 'waiting', paid: 'paid', returned: 'succeeded', notReturned: 'failed', signatureHeader: 'x-acme-sandbox-signature' });
 *   }
 *   async status(r: { reference: string }) { return this.statusOf(r.reference); }
 * }
 * ```
 */
export abstract class AwaitedSandbox {
  readonly sandbox = true;
  private notifier: SandboxNotifier | undefined;

  protected constructor(
    protected readonly db: Database,
    protected readonly clock: Clock,
    private readonly secret: string,
    private readonly schema: AwaitedSandboxSchema,
  ) {}

  /** Where the decisions are notified; set once the notification handler exists. */
  notifyTo(notifier: SandboxNotifier): void {
    this.notifier = notifier;
  }

  /** Registers a payment once: the same reference again (a retry) is the same payment. Answers its expiry. */
  protected async registerOnce(reference: string, columns: SandboxRow, expiresAt: number): Promise<number> {
    const existing = await this.row(reference);
    if (existing !== undefined) return Number(existing.expires_at);
    const now = this.clock.now();
    await this.db(this.schema.payments).insert({
      ...columns,
      reference,
      status: this.schema.waiting,
      refunded: 0,
      expires_at: expiresAt,
      created_at: now,
      updated_at: now,
    });
    return expiresAt;
  }

  /** The payment's status, `expired` when it still waits past its expiry, `not_found` when there is none. */
  protected async statusOf(reference: string): Promise<string> {
    const row = await this.row(reference);
    if (row === undefined) return 'not_found';
    return row.status === this.schema.waiting && this.clock.now() >= Number(row.expires_at) ? 'expired' : String(row.status);
  }

  /** A return, once per reference (a repeat answers the first outcome), of at most what is paid and not yet returned. */
  protected async returnOnce(request: {
    readonly reference: string;
    readonly originalReference: string;
    readonly amount: number;
    readonly currency: string;
  }): Promise<string> {
    const { payments, returns, paymentColumn, paid, returned, notReturned } = this.schema;
    return inTransaction(this.db, async (trx) => {
      const earlier = await trx<SandboxReturnColumns>(returns).where({ reference: request.reference }).first();
      if (earlier !== undefined) return String(earlier.status);
      const payment = await trx<SandboxPaymentColumns>(payments).where({ reference: request.originalReference }).forUpdate().first();
      const left = payment?.status === paid ? Number(payment.amount) - Number(payment.refunded) : 0;
      const ok = request.amount > 0 && request.amount <= left && payment?.currency === request.currency;
      const now = this.clock.now();
      await trx<SandboxReturnColumns>(returns).insert({
        reference: request.reference,
        [paymentColumn]: request.originalReference,
        amount: request.amount,
        status: ok ? returned : notReturned,
        created_at: now,
      });
      if (ok && payment !== undefined)
        await trx<SandboxPaymentColumns>(payments)
          .where({ reference: request.originalReference })
          .update({ refunded: Number(payment.refunded) + request.amount, updated_at: now });
      return ok ? returned : notReturned;
    });
  }

  /** The notification's body, parsed, if it carries this sandbox's signature; else undefined. */
  protected signedBody(raw: Buffer, header: (name: string) => string | undefined): unknown {
    const signature = header(this.schema.signatureHeader) ?? '';
    if (!signature.startsWith('sha256=') || !verifyNotificationSignature(this.secret, raw, signature.slice('sha256='.length))) return undefined;
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The payment's row (references are checked first: they come from URLs). */
  protected async row(reference: string): Promise<SandboxRow | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(reference)) return undefined;
    return (await this.db(this.schema.payments).where({ reference }).first()) as SandboxRow | undefined;
  }

  /** The tester's decision: only a waiting payment changes (with `columns`); answers the row after it, undefined when there is none. */
  protected async decideOnce(reference: string, decision: string, columns: SandboxRow = {}): Promise<SandboxRow | undefined> {
    if ((await this.row(reference)) === undefined) return undefined;
    await this.db(this.schema.payments)
      .where({ reference, status: this.schema.waiting })
      .update({ ...columns, status: decision, updated_at: this.clock.now() });
    return this.row(reference);
  }

  /** Signs `body` and sends it to the gateway; answers the gateway's HTTP status. */
  protected async notify(body: object): Promise<number> {
    const raw = Buffer.from(JSON.stringify(body));
    const signed = `sha256=${signNotification(this.secret, raw)}`;
    if (this.notifier === undefined) throw new Error(`the sandbox behind ${this.schema.payments} has nowhere to send notifications`);
    const header = this.schema.signatureHeader;
    return (await this.notifier(raw, (name) => (name.toLowerCase() === header ? signed : undefined))).status;
  }
}
