import { BankOperatorAlerts, DATABASE, Database, KEY_RING, KeyRing, LOGGER, TenderPlugin } from '@tender/core';
import { LinkLog } from './link/link-log';
import { Iso8583BankAdapter } from './iso8583-bank.adapter';
import { Iso8583Options, centreOptions, iso8583OptionsFromEnv } from './iso8583-options';
import { Iso8583CentreRepository } from './centres/centre-repository';

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
export { CardBook, OPENING_BALANCE, SIMULATOR_ACCOUNTS, SIMULATOR_CARDS, accountKey } from './simulator/card-book';
export { resultOf } from './response-codes';

/**
 * Registers the processing centres: one from the environment (iso8583-options.ts,
 * adapter code `iso8583`) and one per active row of `iso8583_centres` (code from the
 * row), so one gateway talks to several centres.
 */
export const plugin: TenderPlugin = {
  name: '@tender/adapter-iso8583',
  version: '0.1.0',
  coreRange: '^0.1.0',
  async register(ctx) {
    const fromEnv = iso8583OptionsFromEnv(process.env);
    const database = ctx.container.resolve<Database>(DATABASE);
    const keyRing = ctx.container.resolve<KeyRing>(KEY_RING);
    const centres = (await new Iso8583CentreRepository(database, keyRing).listActive()).map(centreOptions);
    const all: Array<Omit<Iso8583Options, 'database'>> = [...(fromEnv === undefined ? [] : [fromEnv]), ...centres];
    if (all.length === 0) throw new Error('@tender/adapter-iso8583 needs TENDER_ISO8583_HOST and TENDER_ISO8583_PORT, or a processing centre in iso8583_centres');
    const logger = ctx.container.resolve<{ child(bindings: object): LinkLog }>(LOGGER);
    for (const options of all) {
      ctx.registerBankAdapter(
        new Iso8583BankAdapter({
          ...options,
          database,
          alerts: ctx.container.resolve(BankOperatorAlerts),
          keyRing,
          // Malformed frames and link trouble go to the gateway's log (PANs masked by the link).
          log: logger.child({ adapter: options.code ?? 'iso8583', host: options.host }),
        }),
      );
    }
  },
};

export default plugin;
