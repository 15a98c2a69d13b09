import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock, DATABASE, Database, KEY_RING, KeyRing, MerchantContext, TenderError, WebhookUrlGuard, isUniqueViolation, notFound } from '@tender/core';

/** A merchant's Saleor store as the app knows it. */
export interface SaleorInstallation {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly saleorApiUrl: string;
  readonly registered: boolean;
}

/** What the merchant API shows of an installation (never the app token). */
export interface SaleorInstallationView {
  id: string;
  object: 'saleor_installation';
  saleor_api_url: string;
  registered_at: string | null;
  livemode: boolean;
  created_at: string;
}

const TOKEN_KEY_INFO = 'tender/saleor-app-token/v1';

/**
 * Which Saleor store belongs to which merchant. The merchant declares its store's
 * GraphQL API URL with its secret key (so no one else can point a store at it); when
 * Saleor installs the app it calls register with that URL in `saleor-api-url` and
 * hands over the app token, which is kept sealed (AES-256-GCM, installation id as
 * associated data) in the database for every gateway process to use. A store registers
 * once: to reinstall, the merchant deletes and declares it again, so a stranger who
 * knows the URL cannot swap the token.
 *
 * @example
 * ```ts
 * const view = await installations.declare(ctx, 'https://shop.example/graphql/');
 * await installations.register('https://shop.example/graphql/', authTokenFromSaleor);
 * ```
 */
@injectable()
export class SaleorInstallationService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(KEY_RING) private readonly keys: KeyRing,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(WebhookUrlGuard) private readonly urls: WebhookUrlGuard,
  ) {}

  async declare(ctx: MerchantContext, saleorApiUrl: string): Promise<SaleorInstallationView> {
    // The gateway will fetch this store's JWKS and call its API: the same server-side
    // request forgery rules as webhook URLs apply (no private, loopback or own addresses).
    try {
      await this.urls.checkRegistration(saleorApiUrl, ctx);
    } catch (error) {
      if (error instanceof TenderError) throw new TenderError(error.code, { param: 'saleor_api_url', message: error.message });
      throw error;
    }
    const row = { id: `sin_${randomBytes(18).toString('base64url')}`, merchant_id: ctx.merchantId, livemode: ctx.livemode, saleor_api_url: saleorApiUrl, created_at: this.clock.now() };
    try {
      await this.db('saleor_installations').insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new TenderError('parameter_invalid', { param: 'saleor_api_url', message: 'This Saleor store is already connected to a Tender account.' });
      throw error;
    }
    return view({ ...row, registered_at: null });
  }

  async list(ctx: MerchantContext): Promise<SaleorInstallationView[]> {
    const rows = await this.db('saleor_installations').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).orderBy('created_at', 'asc');
    return rows.map(view);
  }

  async delete(ctx: MerchantContext, id: string): Promise<void> {
    const n = await this.db('saleor_installations').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).delete();
    if (n === 0) throw notFound('saleor_installation', id);
  }

  /** Saleor's register call: binds the app token to the declared store, once. */
  async register(saleorApiUrl: string, authToken: string): Promise<void> {
    const row = await this.db('saleor_installations').where({ saleor_api_url: saleorApiUrl }).first();
    if (row === undefined) throw new TenderError('resource_not_found', { message: 'No Tender merchant has declared this Saleor API URL; declare it with POST /v1/saleor/installations first.' });
    const keyVersion = this.keys.current.version;
    const key = this.keys.derivedKey(TOKEN_KEY_INFO, keyVersion);
    if (key === undefined) throw new Error('the current master key is missing from the key ring');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(String(row.id)));
    const ciphertext = Buffer.concat([cipher.update(authToken, 'utf8'), cipher.final()]);
    const updated = await this.db('saleor_installations')
      .where({ id: row.id })
      .whereNull('registered_at')
      .update({ token_key_version: keyVersion, token_iv: iv.toString('base64'), token_tag: cipher.getAuthTag().toString('base64'), token_ciphertext: ciphertext.toString('base64'), registered_at: this.clock.now() });
    if (updated === 0) throw new TenderError('parameter_invalid', { param: 'saleor-api-url', message: 'This Saleor store is already registered; the merchant must delete and declare it again to reinstall.' });
  }

  async byApiUrl(saleorApiUrl: string): Promise<SaleorInstallation | undefined> {
    const row = await this.db('saleor_installations').where({ saleor_api_url: saleorApiUrl }).first();
    return row === undefined ? undefined : installation(row);
  }

  async byId(id: string): Promise<SaleorInstallation | undefined> {
    const row = await this.db('saleor_installations').where({ id }).first();
    return row === undefined ? undefined : installation(row);
  }

  /** The app token in clear, for a GraphQL call to the store. */
  async appToken(id: string): Promise<string | undefined> {
    const row = await this.db('saleor_installations').where({ id }).first();
    if (row?.token_ciphertext === null || row?.token_ciphertext === undefined) return undefined;
    const key = this.keys.derivedKey(TOKEN_KEY_INFO, String(row.token_key_version));
    if (key === undefined) throw new Error(`master key ${String(row.token_key_version)} is not configured; cannot read the Saleor app token of ${id}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(String(row.token_iv), 'base64'));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(String(row.token_tag), 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(String(row.token_ciphertext), 'base64')), decipher.final()]).toString('utf8');
  }
}

type Row = Record<string, unknown>;

function installation(row: Row): SaleorInstallation {
  return { id: String(row.id), merchantId: String(row.merchant_id), livemode: Boolean(row.livemode), saleorApiUrl: String(row.saleor_api_url), registered: row.registered_at !== null && row.registered_at !== undefined };
}

function view(row: Row): SaleorInstallationView {
  const registered = row.registered_at === null || row.registered_at === undefined ? null : new Date(Number(row.registered_at)).toISOString();
  return { id: String(row.id), object: 'saleor_installation', saleor_api_url: String(row.saleor_api_url), registered_at: registered, livemode: Boolean(row.livemode), created_at: new Date(Number(row.created_at)).toISOString() };
}
