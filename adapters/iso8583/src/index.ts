import { BankAlert, BankAlertSink, BankOperatorAlerts, PluginContext, definePlugin } from '@tender/core';
import { z } from 'zod';
import { LinkLog } from './link/link-log';
import { Iso8583BankAdapter } from './iso8583-bank.adapter';
import { Iso8583Options, centreOptions } from './iso8583-options';
import { Iso8583CentreRepository } from './centres/centre-repository';
import { isoLinkTables } from './migrations/001-iso8583-link';
import { isoReversals } from './migrations/002-iso8583-reversals';
import { isoCentres } from './migrations/003-iso8583-centres';

export { Iso8583BankAdapter } from './iso8583-bank.adapter';
export { Iso8583Options, centreOptions, iso8583OptionsFromEnv } from './iso8583-options';
export { Iso8583Centre, Iso8583CentreRepository } from './centres/centre-repository';
export { IsoPackager } from './packager/iso-packager';
export { FieldDefinition, PackagerDefinition, PackagerError } from './packager/field-definition';
export { ASCII_DIALECT, ASCII4_DIALECT, BCD_DIALECT, BCD_TPDU_DIALECT, DIALECTS, EBCDIC_DIALECT, ISO8583_1987_FIELDS } from './packager/dialects';
export { ISO8583_1987_STANDARD } from './packager/iso8583-1987-standard';
export { IsoMessage, isoMessage } from './packager/iso-message';
export { FrameDecoder, LengthHeader, frame } from './link/frame-decoder';
export { IsoJournal, stanOf, rrnOf } from './journal/iso-journal';
export { BankSimulator, SimulatorFaults, NO_FAULTS } from './simulator/bank-simulator';
export {
  ANSWERS_KEPT,
  CardBook,
  OPENING_BALANCE,
  ReceivedAuthorization,
  SIMULATOR_ACCOUNTS,
  SIMULATOR_CARDS,
  SIMULATOR_CARDS_MERCHANT_INITIATED,
  accountKey,
} from './simulator/card-book';
export {
  POS_CONDITION_ACCOUNT_VERIFICATION,
  POS_CONDITION_ECOMMERCE,
  POS_ENTRY_CREDENTIAL_ON_FILE,
  POS_ENTRY_ECOMMERCE,
  parseStoredCredentialIndicator,
  storedCredentialIndicator,
} from './card-on-file';
export { packPrivateData, unpackPrivateData } from './packager/private-data';
export { resultOf } from './response-codes';
export { isoLinkTables } from './migrations/001-iso8583-link';
export { isoReversals } from './migrations/002-iso8583-reversals';
export { isoCentres } from './migrations/003-iso8583-centres';

/** The link's tables, in order: what a plugin that builds its own Iso8583BankAdapter lists as its migrations when this package's plugin is not loaded. */
export const ISO_LINK_MIGRATIONS = [isoLinkTables, isoReversals, isoCentres] as const;

/**
 * Registers the processing centres: one from the plugin's options (adapter code
 * `iso8583`; options as TENDER_PLUGIN_ISO8583_<OPTION> or in the config file, the
 * former TENDER_ISO8583_* names still work, deprecated) and one per active row of
 * `iso8583_centres` (code from the row), so one gateway talks to several centres.
 * Owns its tables (migrations/).
 */
export const plugin = definePlugin({
  name: '@tender/adapter-iso8583',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: z.object({
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(8583),
    dialect: z.string().min(1).optional(),
    poolSize: z.number().int().min(1).max(64).default(2),
    deadlineMs: z.number().int().min(100).max(120_000).default(10_000),
    reversalAlertAfter: z.number().int().min(1).max(1000).default(3),
    acquirerId: z
      .string()
      .regex(/^\d{1,11}$/)
      .optional(),
    timeZone: z.string().min(1).max(64).optional(),
    mcc: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    acceptorName: z.string().min(1).max(25).optional(),
    acceptorCity: z.string().max(13).optional(),
    acceptorCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  }),
  migrations: [...ISO_LINK_MIGRATIONS],
  async setup(ctx) {
    const o = ctx.options;
    const fromOptions: Array<Omit<Iso8583Options, 'database'>> =
      o.host === undefined
        ? []
        : [
            {
              host: o.host,
              port: o.port,
              ...(o.dialect === undefined ? {} : { dialect: o.dialect }),
              poolSize: o.poolSize,
              deadlineMs: o.deadlineMs,
              reversalAlertAfter: o.reversalAlertAfter,
              ...(o.acquirerId === undefined ? {} : { acquirerId: o.acquirerId }),
              ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
              ...(o.mcc === undefined ? {} : { merchantCategoryCode: o.mcc }),
              ...(o.acceptorName === undefined ? {} : { acceptor: { name: o.acceptorName, city: o.acceptorCity ?? '', country: o.acceptorCountry ?? '' } }),
            },
          ];
    const { database, keyRing } = ctx.core;
    const centres = (await new Iso8583CentreRepository(database, keyRing).listActive()).map(centreOptions);
    const all = [...fromOptions, ...centres];
    if (all.length === 0)
      throw new Error('plugin @tender/adapter-iso8583: option host: Required (TENDER_PLUGIN_ISO8583_HOST), or a processing centre in iso8583_centres');
    const logger = ctx.core.logger as { child(bindings: object): LinkLog };
    for (const options of all) {
      ctx.registerBankAdapter(
        new Iso8583BankAdapter({
          ...options,
          database,
          alerts: lateAlerts(ctx),
          keyRing,
          // Malformed frames and link trouble go to the gateway's log (PANs masked by the link).
          log: logger.child({ adapter: options.code ?? 'iso8583', host: options.host }),
        }),
      );
    }
  },
});

export default plugin;

/** The operator alerts, resolved when the first alert is raised (after the start phase). */
function lateAlerts(ctx: PluginContext): BankAlertSink {
  return { raise: (alert: BankAlert) => ctx.resolve(BankOperatorAlerts).raise(alert) };
}
