import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import {
  CLOCK,
  CONFIG,
  Clock,
  DATABASE,
  Database,
  KEY_RING,
  KeyRing,
  LOGGER,
  Logger,
  MerchantContext,
  TenderConfig,
  TenderError,
  WebhookUrlGuard,
  isUniqueViolation,
  notFound,
} from '@tender/core';
import { SaleorAppTokenVerifier } from './saleor-app-token.verifier';

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
  /**
   * Only in the answer to the declaration: the URL to install the app from in this
   * store's dashboard. It carries the one-time install secret, so it is shown once.
   */
  manifest_url?: string;
}

const TOKEN_KEY_INFO = 'tender/saleor-app-token/v1';
/** `sis_` and 32 random bytes: the one-time secret of a declaration's manifest URL. */
const INSTALL_SECRET = /^sis_[A-Za-z0-9_-]{43}$/;

/**
 * Which Saleor store belongs to which merchant. The merchant declares its store's
 * GraphQL API URL with its secret key and gets a manifest URL that carries a one-time
 * install secret; the shop owner installs the app in Saleor from that URL, so Saleor
 * calls register with the secret, the store URL in `saleor-api-url` and the app token.
 * The token is bound only when the secret belongs to a declaration of that very store,
 * is still unused, and the store's API accepts the token (`{ app { id } }`, as Saleor's
 * app SDK checks it). A declaration alone proves nothing: several merchants may declare
 * one URL without learning of each other, and only the declaration whose install link
 * the store's own admin used gets bound; after that the store is bound to it alone. The
 * token is kept sealed (AES-256-GCM, installation id as associated data) for every
 * gateway process to use. To reinstall, the merchant deletes and declares the store again.
 *
 * @example
 * ```ts
 * const view = await installations.declare(ctx, 'https://shop.example/graphql/'); // view.manifest_url, shown once
 * await installations.register('https://shop.example/graphql/', authTokenFromSaleor, installSecretFromTheUrl);
 * ```
 */
@injectable()
export class SaleorInstallationService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(KEY_RING) private readonly keys: KeyRing,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(WebhookUrlGuard) private readonly urls: WebhookUrlGuard,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(SaleorAppTokenVerifier) private readonly tokens: SaleorAppTokenVerifier,
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
    const secret = `sis_${randomBytes(32).toString('base64url')}`;
    const row = {
      id: `sin_${randomBytes(18).toString('base64url')}`,
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      saleor_api_url: saleorApiUrl,
      install_secret_hash: hashSecret(secret),
      created_at: this.clock.now(),
    };
    try {
      await this.db('saleor_installations').insert(row);
    } catch (error) {
      // Unique per merchant and mode only: whether another merchant declared the URL is never told.
      if (isUniqueViolation(error))
        throw new TenderError('parameter_invalid', {
          param: 'saleor_api_url',
          message: 'You have already declared this Saleor store; delete that declaration to declare it again.',
        });
      throw error;
    }
    return { ...view({ ...row, registered_at: null }), manifest_url: `${this.config.publicUrl}/saleor/manifest?install=${secret}` };
  }

  async list(ctx: MerchantContext): Promise<SaleorInstallationView[]> {
    const rows = await this.db('saleor_installations').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).orderBy('created_at', 'asc');
    return rows.map(view);
  }

  async delete(ctx: MerchantContext, id: string): Promise<void> {
    const n = await this.db('saleor_installations').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).delete();
    if (n === 0) throw notFound('saleor_installation', id);
  }

  /**
   * Saleor's register call: binds the app token to the declaration whose install secret
   * came with it, once, after the store's API has accepted the token. Every refusal is
   * the same `saleor_install_refused`, so the answer tells nothing about which stores are
   * declared; the log says which check failed.
   */
  async register(saleorApiUrl: string, authToken: string, installSecret: string | undefined): Promise<void> {
    const refuse = (why: string, installationId?: string): TenderError => {
      this.logger.warn({ saleor_api_url: saleorApiUrl, installation: installationId, reason: why }, 'saleor install refused');
      return new TenderError('saleor_install_refused');
    };
    if (installSecret === undefined || !INSTALL_SECRET.test(installSecret)) throw refuse('no install secret');
    const secretHash = hashSecret(installSecret);
    const row = await this.db('saleor_installations').where({ install_secret_hash: secretHash }).whereNull('registered_at').first();
    if (row === undefined) throw refuse('unknown or used install secret');
    if (row.saleor_api_url !== saleorApiUrl) throw refuse('the install secret belongs to another store', String(row.id));
    // Asked only now: an unauthenticated caller cannot make the gateway call any URL.
    const appId = await this.tokens.appId({ saleorApiUrl, livemode: Boolean(row.livemode) }, authToken);
    if (appId === undefined) throw refuse('the store did not accept the app token', String(row.id));
    const sealed = this.seal(String(row.id), authToken);
    try {
      const bound = await this.db('saleor_installations')
        .where({ id: row.id, install_secret_hash: secretHash })
        .whereNull('registered_at')
        .update({ ...sealed, saleor_app_id: appId, registered_api_url: saleorApiUrl, install_secret_hash: null, registered_at: this.clock.now() });
      if (bound === 0) throw refuse('the install secret was used meanwhile', String(row.id));
    } catch (error) {
      if (isUniqueViolation(error)) throw refuse('the store is bound to another declaration', String(row.id));
      throw error;
    }
  }

  /** The installation bound to this store (the one Saleor's webhooks belong to). */
  async byApiUrl(saleorApiUrl: string): Promise<SaleorInstallation | undefined> {
    const row = await this.db('saleor_installations').where({ registered_api_url: saleorApiUrl }).first();
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

  private seal(installationId: string, authToken: string): { token_key_version: string; token_iv: string; token_tag: string; token_ciphertext: string } {
    const keyVersion = this.keys.current.version;
    const key = this.keys.derivedKey(TOKEN_KEY_INFO, keyVersion);
    if (key === undefined) throw new Error('the current master key is missing from the key ring');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(installationId));
    const ciphertext = Buffer.concat([cipher.update(authToken, 'utf8'), cipher.final()]);
    return {
      token_key_version: keyVersion,
      token_iv: iv.toString('base64'),
      token_tag: cipher.getAuthTag().toString('base64'),
      token_ciphertext: ciphertext.toString('base64'),
    };
  }
}

type Row = Record<string, unknown>;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function installation(row: Row): SaleorInstallation {
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    saleorApiUrl: String(row.saleor_api_url),
    registered: row.registered_at !== null && row.registered_at !== undefined,
  };
}

function view(row: Row): SaleorInstallationView {
  const registered = row.registered_at === null || row.registered_at === undefined ? null : new Date(Number(row.registered_at)).toISOString();
  return {
    id: String(row.id),
    object: 'saleor_installation',
    saleor_api_url: String(row.saleor_api_url),
    registered_at: registered,
    livemode: Boolean(row.livemode),
    created_at: new Date(Number(row.created_at)).toISOString(),
  };
}
