import { z } from 'zod';

/**
 * Webhook and e-mail settings (docs/webhooks.md). Retry timings are configurable so
 * tests can run a three-day schedule in milliseconds.
 *
 * @example
 * ```ts
 * const n = loadNotificationsConfig({ TENDER_WEBHOOK_TIMEOUT_MS: '2000' });
 * n.webhookTimeoutMs; // 2000
 * ```
 */
export interface NotificationsConfig {
  /** Run the webhook and e-mail dispatchers inside the gateway process (`tender worker` runs them regardless). */
  readonly dispatcherInGateway: boolean;
  readonly pollIntervalMs: number;
  readonly webhookTimeoutMs: number;
  readonly webhookRetryBaseMs: number;
  readonly webhookRetryMaxMs: number;
  /** A delivery is retried until this long after its first attempt, then marked failed. */
  readonly webhookRetryWindowMs: number;
  /** How long a pending delivery holds back later events for the same endpoint. */
  readonly webhookOrderHoldMs: number;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly emailLocale: string;
  readonly emailRetryBaseMs: number;
  readonly emailRetryMaxMs: number;
  readonly emailRetryWindowMs: number;
  /** The merchant dashboard's address: every e-mail's next-step link points under it (TENDER_DASHBOARD_URL). */
  readonly dashboardUrl: string;
  /** The operator console's address, for the operator's alerts (TENDER_CONSOLE_URL). */
  readonly consoleUrl: string;
  /** The operator's support contact, shown in every merchant e-mail and set as its Reply-To (TENDER_SUPPORT_EMAIL, TENDER_SUPPORT_PHONE). */
  readonly supportEmail: string | undefined;
  readonly supportPhone: string | undefined;
  /** The operator's time zone: dates in e-mails are shown in it when the merchant has none of its own (TENDER_TIME_ZONE). */
  readonly timeZone: string;
  /** How long before test mode ends the merchant is warned (TENDER_TEST_MODE_WARNING_HOURS; 0: no warning). */
  readonly testModeWarningMs: number;
}

const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const DAY = 86_400_000;

const schema = z.object({
  TENDER_WEBHOOK_DISPATCHER: z.enum(['true', 'false']).default('true'),
  TENDER_NOTIFY_POLL_MS: ms(1000),
  TENDER_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  TENDER_WEBHOOK_RETRY_BASE_MS: ms(60_000),
  TENDER_WEBHOOK_RETRY_MAX_MS: ms(6 * 3600_000),
  TENDER_WEBHOOK_RETRY_WINDOW_MS: ms(3 * DAY),
  TENDER_WEBHOOK_ORDER_HOLD_MS: ms(3600_000),
  TENDER_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  TENDER_MAIL_FROM: z.string().min(3).optional(),
  TENDER_EMAIL_LOCALE: z.enum(['en', 'ru', 'ar']).default('en'),
  TENDER_EMAIL_RETRY_BASE_MS: ms(30_000),
  TENDER_EMAIL_RETRY_MAX_MS: ms(3600_000),
  TENDER_EMAIL_RETRY_WINDOW_MS: ms(7 * DAY),
  TENDER_DASHBOARD_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .optional(),
  TENDER_CONSOLE_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .optional(),
  TENDER_SUPPORT_EMAIL: z.string().email().max(320).optional(),
  TENDER_SUPPORT_PHONE: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number (digits, spaces, + ( ) -)')
    .optional(),
  TENDER_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Moscow').default('UTC'),
  TENDER_TEST_MODE_WARNING_HOURS: z.coerce.number().int().min(0).max(720).default(24),
});

/** True for a time zone this Node's Intl knows (an IANA name such as Europe/Moscow, or UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `brand` names the default sender (`<brand> <no-reply@<brand domain>>`); without it, Tender at the public URL's host. */
export function loadNotificationsConfig(
  env: Record<string, string | undefined>,
  publicUrl: string,
  brand?: { readonly name: string; readonly domain: string },
): NotificationsConfig | { error: string[] } {
  const parsed = schema.safeParse(env);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const e = parsed.data;
  return {
    dispatcherInGateway: e.TENDER_WEBHOOK_DISPATCHER === 'true',
    pollIntervalMs: e.TENDER_NOTIFY_POLL_MS,
    webhookTimeoutMs: e.TENDER_WEBHOOK_TIMEOUT_MS,
    webhookRetryBaseMs: e.TENDER_WEBHOOK_RETRY_BASE_MS,
    webhookRetryMaxMs: e.TENDER_WEBHOOK_RETRY_MAX_MS,
    webhookRetryWindowMs: e.TENDER_WEBHOOK_RETRY_WINDOW_MS,
    webhookOrderHoldMs: e.TENDER_WEBHOOK_ORDER_HOLD_MS,
    smtpUrl: e.TENDER_SMTP_URL,
    mailFrom: e.TENDER_MAIL_FROM ?? `${displayName(brand?.name ?? 'Tender')} <no-reply@${brand?.domain ?? new URL(publicUrl).hostname}>`,
    emailLocale: e.TENDER_EMAIL_LOCALE,
    emailRetryBaseMs: e.TENDER_EMAIL_RETRY_BASE_MS,
    emailRetryMaxMs: e.TENDER_EMAIL_RETRY_MAX_MS,
    emailRetryWindowMs: e.TENDER_EMAIL_RETRY_WINDOW_MS,
    dashboardUrl: (e.TENDER_DASHBOARD_URL ?? `${publicUrl}/dashboard`).replace(/\/+$/, ''),
    consoleUrl: (e.TENDER_CONSOLE_URL ?? `${publicUrl}/console`).replace(/\/+$/, ''),
    supportEmail: e.TENDER_SUPPORT_EMAIL,
    supportPhone: e.TENDER_SUPPORT_PHONE,
    timeZone: e.TENDER_TIME_ZONE,
    testModeWarningMs: e.TENDER_TEST_MODE_WARNING_HOURS * 3600_000,
  };
}

/** A display name for a From header: as is when it is plain words, else quoted (a brand name holds no `"`). */
function displayName(name: string): string {
  return /^[A-Za-z0-9 !#$%&'*+/=?^_`{|}~-]+$/.test(name) ? name : `"${name}"`;
}
