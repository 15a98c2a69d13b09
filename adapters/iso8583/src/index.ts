import { BankOperatorAlerts, DATABASE, Database, KEY_RING, KeyRing, LOGGER, TenderPlugin } from '@tender/core';
import { LinkLog } from './link/link-log';
import { Iso8583BankAdapter } from './iso8583-bank.adapter';
import { iso8583OptionsFromEnv } from './iso8583-options';

export { Iso8583BankAdapter } from './iso8583-bank.adapter';
export { Iso8583Options, iso8583OptionsFromEnv } from './iso8583-options';
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

/** Registers one ISO 8583 processing centre from the environment (iso8583-options.ts). */
export const plugin: TenderPlugin = {
  name: '@tender/adapter-iso8583',
  version: '0.1.0',
  coreRange: '^0.1.0',
  register(ctx) {
    const options = iso8583OptionsFromEnv(process.env);
    ctx.registerBankAdapter(
      new Iso8583BankAdapter({
        ...options,
        database: ctx.container.resolve<Database>(DATABASE),
        alerts: ctx.container.resolve(BankOperatorAlerts),
        keyRing: ctx.container.resolve<KeyRing>(KEY_RING),
        // Malformed frames and link trouble go to the gateway's log (PANs masked by the link).
        log: ctx.container.resolve<{ child(bindings: object): LinkLog }>(LOGGER).child({ adapter: 'iso8583', host: options.host }),
      }),
    );
  },
};

export default plugin;
