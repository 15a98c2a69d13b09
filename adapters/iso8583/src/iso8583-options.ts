import { BankAlertSink, Database, KeyRing } from '@tender/core';
import { LinkLog } from './link/link-log';
import { Iso8583Centre } from './centres/centre-repository';

/**
 * Everything the ISO 8583 adapter can be configured with, and the one place its
 * options are read (from the environment today; the plugin options system later).
 */
export interface Iso8583Options {
  /** The adapter code bank connections name (default `iso8583`); one instance per processing centre. */
  readonly code?: string;
  readonly host: string;
  readonly port: number;
  /** A name from DIALECTS (default `iso8583-1987-ascii`). */
  readonly dialect?: string;
  readonly poolSize?: number;
  /** How long to wait for an answer before reversing (default 10 s). */
  readonly deadlineMs?: number;
  /** How long to wait for each reversal acknowledgement (default 5 s). */
  readonly reversalDeadlineMs?: number;
  /** How often unacknowledged or refused reversals are repeated as 0420/0421 (default 10 s). */
  readonly reversalRepeatMs?: number;
  /** After how many refused tries of one reversal the operator is alerted (default 3); it is still repeated. */
  readonly reversalAlertAfter?: number;
  readonly echoIntervalMs?: number;
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  /** The acquiring institution id (n..11): field 32 of every message (0800 included) and part of field 90. */
  readonly acquirerId?: string;
  /** Field 18, the merchant category code (n4, default 5999). */
  readonly merchantCategoryCode?: string;
  /** Field 43, card acceptor name (up to 25), city (up to 13) and country (2 letters). */
  readonly acceptor?: { readonly name: string; readonly city: string; readonly country: string };
  /** The card acceptor's time zone (IANA) for fields 12/13; default the process's. */
  readonly timeZone?: string;
  /** Seals the PAN in the journal so reversals and refunds carry field 2; without it they go without. */
  readonly keyRing?: KeyRing;
  /** TLS on the link: verify the centre's certificate against `ca` (PEM; default the system's CAs). */
  readonly tls?: { readonly ca?: string };
  /**
   * Stand-in: while no connection to the centre is up, approve card authorizations
   * and purchases up to this amount (minor units) and forward them later as advices
   * (0120/0220). Off unless set; needs `keyRing` (the advice holds the PAN, sealed).
   */
  readonly standInFloorLimit?: number;
  /** The zone master key shared with the centre (32 hex digits), under which it sends working keys (0800/0810). */
  readonly zoneMasterKey?: string;
  readonly database: Database;
  readonly log?: LinkLog;
  /** Where operator alerts go (refused reversals); the gateway passes BankOperatorAlerts. */
  readonly alerts?: BankAlertSink;
  readonly now?: () => number;
}

/** The timing options with their defaults applied. */
export interface Iso8583Timing {
  readonly deadlineMs: number;
  readonly reversalDeadlineMs: number;
  readonly reversalRepeatMs: number;
  readonly reversalAlertAfter: number;
}

export function timingOf(o: Iso8583Options): Iso8583Timing {
  return {
    deadlineMs: o.deadlineMs ?? 10_000,
    reversalDeadlineMs: o.reversalDeadlineMs ?? 5_000,
    reversalRepeatMs: o.reversalRepeatMs ?? 10_000,
    reversalAlertAfter: o.reversalAlertAfter ?? 3,
  };
}

/** The options the plugin reads from the environment (docs/iso8583.md, "Configuration"). */
export type Iso8583EnvOptions = Pick<
  Iso8583Options,
  'host' | 'port' | 'dialect' | 'poolSize' | 'deadlineMs' | 'reversalAlertAfter' | 'acquirerId' | 'timeZone' | 'merchantCategoryCode' | 'acceptor'
>;

/**
 * TENDER_ISO8583_HOST, TENDER_ISO8583_PORT, TENDER_ISO8583_DIALECT,
 * TENDER_ISO8583_POOL_SIZE, TENDER_ISO8583_DEADLINE_MS, TENDER_ISO8583_REVERSAL_ALERT_AFTER,
 * TENDER_ISO8583_ACQUIRER_ID, TENDER_ISO8583_TIME_ZONE, TENDER_ISO8583_MCC,
 * TENDER_ISO8583_ACCEPTOR_NAME / _CITY / _COUNTRY.
 *
 * @example
 * ```ts
 * const options = iso8583OptionsFromEnv(process.env); // throws on a missing host or a bad number
 * ```
 */
export function iso8583OptionsFromEnv(env: NodeJS.ProcessEnv): Iso8583EnvOptions | undefined {
  const host = env.TENDER_ISO8583_HOST;
  if (host === undefined || host === '') return undefined;
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  return {
    host,
    port: number('TENDER_ISO8583_PORT', 8583, 1, 65535),
    ...(env.TENDER_ISO8583_DIALECT === undefined ? {} : { dialect: env.TENDER_ISO8583_DIALECT }),
    poolSize: number('TENDER_ISO8583_POOL_SIZE', 2, 1, 64),
    deadlineMs: number('TENDER_ISO8583_DEADLINE_MS', 10_000, 100, 120_000),
    reversalAlertAfter: number('TENDER_ISO8583_REVERSAL_ALERT_AFTER', 3, 1, 1000),
    ...(env.TENDER_ISO8583_ACQUIRER_ID === undefined || env.TENDER_ISO8583_ACQUIRER_ID === '' ? {} : { acquirerId: env.TENDER_ISO8583_ACQUIRER_ID }),
    ...(env.TENDER_ISO8583_TIME_ZONE === undefined || env.TENDER_ISO8583_TIME_ZONE === '' ? {} : { timeZone: env.TENDER_ISO8583_TIME_ZONE }),
    ...(env.TENDER_ISO8583_MCC === undefined || env.TENDER_ISO8583_MCC === '' ? {} : { merchantCategoryCode: env.TENDER_ISO8583_MCC }),
    ...(env.TENDER_ISO8583_ACCEPTOR_NAME === undefined || env.TENDER_ISO8583_ACCEPTOR_NAME === ''
      ? {}
      : {
          acceptor: {
            name: env.TENDER_ISO8583_ACCEPTOR_NAME,
            city: env.TENDER_ISO8583_ACCEPTOR_CITY ?? '',
            country: env.TENDER_ISO8583_ACCEPTOR_COUNTRY ?? '',
          },
        }),
  };
}

/** The adapter options of a processing centre kept in the database (iso8583_centres). */
export function centreOptions(centre: Iso8583Centre): Omit<Iso8583Options, 'database'> {
  return {
    code: centre.code,
    host: centre.host,
    port: centre.port,
    dialect: centre.dialect,
    poolSize: centre.poolSize,
    ...(centre.acquirerId === undefined ? {} : { acquirerId: centre.acquirerId }),
    ...(centre.timeZone === undefined ? {} : { timeZone: centre.timeZone }),
    ...(centre.merchantCategoryCode === undefined ? {} : { merchantCategoryCode: centre.merchantCategoryCode }),
    ...(centre.acceptor === undefined ? {} : { acceptor: centre.acceptor }),
    ...(centre.tls ? { tls: centre.tlsCa === undefined ? {} : { ca: centre.tlsCa } } : {}),
    ...(centre.zoneMasterKey === undefined ? {} : { zoneMasterKey: centre.zoneMasterKey }),
  };
}

/**
 * Field 43 (ans40): name in 25 characters, city in 13, country in 2; checked once at start-up.
 *
 * @example
 * ```ts
 * acceptorLocation({ name: 'Tender Shop', city: 'Moscow', country: 'RU' }); // 'Tender Shop              Moscow       RU'
 * ```
 */
export function acceptorLocation(acceptor: { readonly name: string; readonly city: string; readonly country: string }): string {
  if (!/^[\x20-\x7e]{1,25}$/.test(acceptor.name) || !/^[\x20-\x7e]{0,13}$/.test(acceptor.city) || !/^[A-Z]{2}$/.test(acceptor.country)) {
    throw new Error('field 43 needs a printable name of up to 25 characters, a city of up to 13 and a 2-letter country code');
  }
  return `${acceptor.name.padEnd(25)}${acceptor.city.padEnd(13)}${acceptor.country}`;
}
