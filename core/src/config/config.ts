import { BusinessCalendar, parseBusinessCalendar } from '../merchants/business-calendar';
import path from 'node:path';
import { z } from 'zod';
import { NotificationsConfig, loadNotificationsConfig } from './notifications-config';
import { OperatorBrand, loadBrandConfig } from './brand-config';
import { OutboundConfig, loadOutboundConfig } from './outbound-config';
import { isIpOrRange } from '../monitoring/ip-ranges';
import type { CausalReads } from '../db/causal-read';
import { PluginSettings, loadPluginSettings } from './plugin-settings';
import { DEFAULT_THEME_DIR } from '../templates-dir';

/**
 * Tender's one typed configuration, read from the environment and validated at
 * start. docs/configuration.md lists every variable.
 *
 * @example
 * ```ts
 * const config = loadConfig({ PORT: '9090', DATABASE_URL: 'sqlite:/tmp/t.db' });
 * config.database.client; // 'sqlite'
 * ```
 */
export interface TenderConfig {
  readonly port: number;
  readonly host: string;
  readonly production: boolean;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly database: DatabaseConfig;
  /** The operator's bearer token; undefined means "generate one in dataDir". */
  readonly adminToken: string | undefined;
  /** Base64 of 32 bytes; undefined means "generate one in dataDir" (refused in production). */
  readonly masterKey: string | undefined;
  /** Earlier master keys still able to unwrap data keys during a rotation. */
  readonly previousMasterKeys: readonly string[];
  readonly plugins: readonly string[];
  /** Plugin options as given (TENDER_CONFIG_FILE and TENDER_PLUGIN_* variables); each plugin's schema validates its part at start. */
  readonly pluginSettings: PluginSettings;
  readonly logLevel: string;
  /** How often the reconciler resolves bank operations whose outcome is unknown; 0 turns it off. */
  readonly reconcileIntervalMs: number;
  /** How old a pending bank operation must be before the reconciler takes it. */
  readonly reconcileAfterMs: number;
  /** Most MySQL connections one process holds (SQLite always uses one). */
  readonly dbPoolMax: number;
  /** Which reads wait, on a Galera cluster, for writes committed through other nodes (db/causal-read.ts). */
  readonly dbCausalReads: CausalReads;
  /** How long an Idempotency-Key is remembered. */
  readonly idempotencyTtlMs: number;
  readonly createDemoMerchant: boolean;
  /**
   * Whether a live payment may be paid with one of the sandbox's test card numbers
   * (`card_test_number_live` when refused): 'refuse' by default with
   * NODE_ENV=production, else 'allow' (a trial's or the test suite's live mode runs
   * against tender-bank-sim, which knows the same numbers). TENDER_LIVE_TEST_CARDS.
   */
  readonly liveTestCards: 'refuse' | 'allow';
  /** How long a new merchant's test mode lasts before it must register (onboarding). */
  readonly testModeHours: number;
  /** Certificates: HTTPS served by the gateway itself, payer certificate validity, signed-request freshness. */
  readonly certificates: CertificatesConfig;
  /** Webhooks and e-mail. */
  readonly notifications: NotificationsConfig;
  /** The operator's brand on the dashboard, console, sign-up and status pages and in e-mails (white label). */
  readonly brand: OperatorBrand;
  /** The outbound HTTP client: private targets in test mode, time limits. */
  readonly outbound: OutboundConfig;
  /** The hosted page's theme directory (white label); default templates/default. */
  readonly templatesDir: string;
  /** How long a payment's page accepts a card after the payment was created. */
  readonly pageTtlMs: number;
  /** Card-form submissions allowed per client IP per minute, and per payment page per 10 minutes. */
  readonly pageSubmitsPerIpPerMinute: number;
  readonly pageSubmitsPerPayment: number;
  /** Express `trust proxy`: which proxies' X-Forwarded-For names the client (false: none, the socket address is the client). */
  readonly trustProxy: TrustProxy;
  /** Where risk alerts for the operator go (TENDER_RISK_ALERT_EMAIL); undefined: the operator gets none. */
  readonly riskAlertEmail: string | undefined;
  /** The active routing strategy by name (TENDER_ROUTING_STRATEGY); undefined: `rules`. */
  readonly routingStrategy?: string;
  /** Where bank alerts for the operator go (TENDER_OPERATOR_ALERT_EMAIL): refused reversals, operations no bank finds. */
  readonly operatorAlertEmail: string | undefined;
  /** How long after it was sent a bank's "not found" for an authorization still means "not yet" (TENDER_RECONCILE_GRACE_MINUTES). */
  readonly reconcileGraceMs: number;
  /** The operator's working calendar for the one-business-day onboarding target (TENDER_BUSINESS_*). */
  readonly businessCalendar: BusinessCalendar;
  /** Bearer token for GET /metrics (TENDER_METRICS_TOKEN); undefined: /metrics answers direct loopback connections only. */
  readonly metricsToken?: string | undefined;
  /** Where `tender worker` serves /healthz, /readyz and /metrics (TENDER_WORKER_METRICS_PORT); undefined: nowhere. */
  readonly workerMetricsPort?: number | undefined;
}

/** false, true (any proxy: only behind one you control), a hop count, or addresses/CIDR ranges/express names (`loopback`, `uniquelocal`). */
export type TrustProxy = boolean | number | readonly string[];

export interface CertificatesConfig {
  /** PEM files for serving HTTPS (and asking for TLS client certificates); both or neither. */
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly validityDays: number;
  /** How far a signed request's timestamp may be from the gateway's clock. */
  readonly signatureMaxAgeMs: number;
  /** Base URL of /ca/... written into payer certificates (TENDER_CA_PUBLICATION_URL); undefined: publicUrl. */
  readonly publicationUrl: string | undefined;
}

export type DatabaseConfig =
  { readonly client: 'sqlite'; readonly filename: string; readonly embeddedDefault: boolean } | { readonly client: 'mysql'; readonly url: string };

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  NODE_ENV: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  TENDER_DATA_DIR: z.string().optional(),
  TENDER_PUBLIC_URL: z.string().url().optional(),
  TENDER_ADMIN_TOKEN: z.string().min(16, 'TENDER_ADMIN_TOKEN must be at least 16 characters').optional(),
  TENDER_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  TENDER_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, 'TENDER_METRICS_TOKEN must be 16 to 512 printable characters without spaces')
    .optional(),
  TENDER_MASTER_KEY: z.string().optional(),
  TENDER_PREVIOUS_MASTER_KEYS: z.string().optional(),
  TENDER_PLUGINS: z.string().optional(),
  TENDER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TENDER_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(5000),
  TENDER_RECONCILE_AFTER_MS: z.coerce.number().int().min(0).default(10000),
  TENDER_IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(1).default(24),
  TENDER_DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  TENDER_DB_CAUSAL_READS: z.enum(['request', 'all', 'off']).default('request'),
  TENDER_DEMO_MERCHANT: z.enum(['true', 'false']).optional(),
  TENDER_LIVE_TEST_CARDS: z.enum(['refuse', 'allow']).optional(),
  TENDER_TEST_MODE_HOURS: z.coerce.number().int().min(1).max(8760).default(24),
  TENDER_TLS_CERT_FILE: z.string().min(1).optional(),
  TENDER_TLS_KEY_FILE: z.string().min(1).optional(),
  TENDER_CERT_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  TENDER_SIGNATURE_MAX_AGE_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  TENDER_CA_PUBLICATION_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\/[^?#]+$/.test(u), 'TENDER_CA_PUBLICATION_URL must be an http(s) URL without query or fragment')
    .optional(),
  TENDER_TEMPLATES_DIR: z.string().optional(),
  TENDER_PAGE_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(30),
  TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  TENDER_PAGE_SUBMITS_PER_PAYMENT: z.coerce.number().int().min(1).default(10),
  TENDER_TRUST_PROXY: z.string().default('false'),
  TENDER_RISK_ALERT_EMAIL: z.string().email().max(320).optional(),
  TENDER_ROUTING_STRATEGY: z.string().min(1).optional(),
  TENDER_OPERATOR_ALERT_EMAIL: z.string().email().max(320).optional(),
  TENDER_RECONCILE_GRACE_MINUTES: z.coerce.number().int().min(0).max(10080).default(15),
  TENDER_BUSINESS_WEEKEND: z.string().max(100).default('sat,sun'),
  TENDER_BUSINESS_HOLIDAYS: z.string().max(20_000).default(''),
  TENDER_BUSINESS_TIME_ZONE: z.string().max(64).default('UTC'),
});

/** The theme shipped in @tender/core's templates/default. */
export const DEFAULT_TEMPLATES_DIR = DEFAULT_THEME_DIR;

export class ConfigError extends Error {}

/** The sandbox bank, personal-account payments and the dashboard/console; a list without @tender/dashboard runs the gateway API-only. */
export const DEFAULT_PLUGINS = ['@tender/adapter-sandbox', '@tender/plugin-accounts', '@tender/plugin-saved-cards', '@tender/dashboard', '@tender/plugin-sbp'];

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): TenderConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.TENDER_DATA_DIR ?? 'data');
  const port = e.PORT;
  const database = parseDatabaseUrl(e.DATABASE_URL, dataDir);
  if (e.TENDER_MASTER_KEY !== undefined) assertMasterKey(e.TENDER_MASTER_KEY, 'TENDER_MASTER_KEY');
  const previous = splitList(e.TENDER_PREVIOUS_MASTER_KEYS);
  previous.forEach((k, i) => assertMasterKey(k, `TENDER_PREVIOUS_MASTER_KEYS[${i}]`));
  if ((e.TENDER_TLS_CERT_FILE === undefined) !== (e.TENDER_TLS_KEY_FILE === undefined)) {
    throw new ConfigError('TENDER_TLS_CERT_FILE and TENDER_TLS_KEY_FILE go together: set both or neither');
  }
  const production = e.NODE_ENV === 'production';
  if (production && e.TENDER_MASTER_KEY === undefined) {
    throw new ConfigError('TENDER_MASTER_KEY is required when NODE_ENV=production (base64 of 32 random bytes)');
  }
  if (production && e.TENDER_ADMIN_TOKEN === undefined) {
    throw new ConfigError('TENDER_ADMIN_TOKEN is required when NODE_ENV=production');
  }
  const publicUrl = (e.TENDER_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const brand = loadBrandConfig(env, publicUrl);
  if ('error' in brand) throw new ConfigError(`invalid configuration:\n  ${brand.error.join('\n  ')}`);
  const notifications = loadNotificationsConfig(env, publicUrl, brand);
  if ('error' in notifications) throw new ConfigError(`invalid configuration:\n  ${notifications.error.join('\n  ')}`);
  const pluginSettings = loadPluginSettings(env, cwd);
  if ('error' in pluginSettings) throw new ConfigError(`invalid configuration:\n  ${pluginSettings.error}`);
  const businessCalendar = parseBusinessCalendar(e.TENDER_BUSINESS_WEEKEND, e.TENDER_BUSINESS_HOLIDAYS, e.TENDER_BUSINESS_TIME_ZONE);
  if ('error' in businessCalendar) throw new ConfigError(`invalid configuration:\n  ${businessCalendar.error}`);
  const outbound = loadOutboundConfig(env);
  if ('error' in outbound) throw new ConfigError(`invalid configuration:\n  ${outbound.error.join('\n  ')}`);
  return {
    port,
    host: e.HOST,
    production,
    dataDir,
    publicUrl,
    database,
    adminToken: e.TENDER_ADMIN_TOKEN,
    masterKey: e.TENDER_MASTER_KEY,
    previousMasterKeys: previous,
    plugins: e.TENDER_PLUGINS === undefined ? DEFAULT_PLUGINS : splitList(e.TENDER_PLUGINS),
    pluginSettings,
    logLevel: e.TENDER_LOG_LEVEL,
    reconcileIntervalMs: e.TENDER_RECONCILE_INTERVAL_MS,
    reconcileAfterMs: e.TENDER_RECONCILE_AFTER_MS,
    idempotencyTtlMs: e.TENDER_IDEMPOTENCY_TTL_HOURS * 3600_000,
    dbPoolMax: e.TENDER_DB_POOL_MAX,
    dbCausalReads: e.TENDER_DB_CAUSAL_READS,
    // A demo merchant helps a newcomer on the embedded default; never in production unless asked for.
    createDemoMerchant:
      e.TENDER_DEMO_MERCHANT === undefined ? !production && database.client === 'sqlite' && database.embeddedDefault : e.TENDER_DEMO_MERCHANT === 'true',
    testModeHours: e.TENDER_TEST_MODE_HOURS,
    // Production refuses the sandbox's test card numbers on live payments; a trial's live mode against tender-bank-sim uses them.
    liveTestCards: e.TENDER_LIVE_TEST_CARDS ?? (production ? 'refuse' : 'allow'),
    certificates: {
      tlsCertFile: e.TENDER_TLS_CERT_FILE === undefined ? undefined : path.resolve(cwd, e.TENDER_TLS_CERT_FILE),
      tlsKeyFile: e.TENDER_TLS_KEY_FILE === undefined ? undefined : path.resolve(cwd, e.TENDER_TLS_KEY_FILE),
      validityDays: e.TENDER_CERT_VALIDITY_DAYS,
      signatureMaxAgeMs: e.TENDER_SIGNATURE_MAX_AGE_SECONDS * 1000,
      publicationUrl: e.TENDER_CA_PUBLICATION_URL?.replace(/\/+$/, ''),
    },
    notifications,
    brand,
    outbound,
    templatesDir: e.TENDER_TEMPLATES_DIR === undefined ? DEFAULT_TEMPLATES_DIR : path.resolve(cwd, e.TENDER_TEMPLATES_DIR),
    pageTtlMs: e.TENDER_PAGE_TTL_MINUTES * 60_000,
    pageSubmitsPerIpPerMinute: e.TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE,
    pageSubmitsPerPayment: e.TENDER_PAGE_SUBMITS_PER_PAYMENT,
    trustProxy: parseTrustProxy(e.TENDER_TRUST_PROXY),
    riskAlertEmail: e.TENDER_RISK_ALERT_EMAIL,
    routingStrategy: e.TENDER_ROUTING_STRATEGY,
    operatorAlertEmail: e.TENDER_OPERATOR_ALERT_EMAIL,
    reconcileGraceMs: e.TENDER_RECONCILE_GRACE_MINUTES * 60_000,
    businessCalendar,
    metricsToken: e.TENDER_METRICS_TOKEN,
    workerMetricsPort: e.TENDER_WORKER_METRICS_PORT,
  };
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (url === undefined || url === '') {
    return { client: 'sqlite', filename: path.join(dataDir, 'tender.sqlite'), embeddedDefault: true };
  }
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (filename === '') throw new ConfigError('DATABASE_URL sqlite:<path> needs a path');
    return { client: 'sqlite', filename: path.resolve(filename), embeddedDefault: false };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    return { client: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  }
  throw new ConfigError(`DATABASE_URL must start with sqlite: or mysql:// (got '${url.split(':')[0]}:')`);
}

/** `false` | `true` | hop count | comma-separated addresses, CIDR ranges or `loopback`, `linklocal`, `uniquelocal`. */
export function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim();
  if (v === 'false' || v === '') return false;
  if (v === 'true') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const entries = splitList(v);
  const bad = entries.filter((entry) => !['loopback', 'linklocal', 'uniquelocal'].includes(entry) && !isIpOrRange(entry));
  if (bad.length > 0) throw new ConfigError(`TENDER_TRUST_PROXY: not an address, CIDR range or loopback/linklocal/uniquelocal: ${bad.join(', ')}`);
  return entries;
}

function assertMasterKey(value: string, name: string): void {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== value.trim()) {
    throw new ConfigError(`${name} must be base64 of exactly 32 bytes (e.g. openssl rand -base64 32)`);
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
