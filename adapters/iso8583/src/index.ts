import { DATABASE, Database, LOGGER, TenderPlugin } from '@tender/core';
import { LinkLog } from './link/link-log';
import { Iso8583BankAdapter } from './iso8583-bank.adapter';

export { Iso8583BankAdapter, Iso8583Options } from './iso8583-bank.adapter';
export { IsoPackager } from './packager/iso-packager';
export { FieldDefinition, PackagerDefinition, PackagerError } from './packager/field-definition';
export { ASCII_DIALECT, BCD_DIALECT, DIALECTS, ISO8583_1987_FIELDS } from './packager/dialects';
export { IsoMessage, isoMessage } from './packager/iso-message';
export { FrameDecoder, frame } from './link/frame-decoder';
export { IsoJournal, stanOf, rrnOf } from './journal/iso-journal';
export { BankSimulator, SimulatorFaults, NO_FAULTS } from './simulator/bank-simulator';
export { CardBook, OPENING_BALANCE, SIMULATOR_CARDS } from './simulator/card-book';
export { resultOf } from './response-codes';

/**
 * Registers one ISO 8583 processing centre from the environment:
 * TENDER_ISO8583_HOST, TENDER_ISO8583_PORT, TENDER_ISO8583_DIALECT,
 * TENDER_ISO8583_POOL_SIZE, TENDER_ISO8583_DEADLINE_MS.
 */
export const plugin: TenderPlugin = {
  name: '@tender/adapter-iso8583',
  version: '0.1.0',
  coreRange: '^0.1.0',
  register(ctx) {
    const env = process.env;
    const host = env.TENDER_ISO8583_HOST;
    if (host === undefined || host === '') throw new Error('@tender/adapter-iso8583 needs TENDER_ISO8583_HOST and TENDER_ISO8583_PORT');
    const number = (name: string, fallback: number, min: number, max: number): number => {
      const raw = env[name];
      const value = raw === undefined || raw === '' ? fallback : Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
      return value;
    };
    ctx.registerBankAdapter(
      new Iso8583BankAdapter({
        host,
        port: number('TENDER_ISO8583_PORT', 8583, 1, 65535),
        ...(env.TENDER_ISO8583_DIALECT === undefined ? {} : { dialect: env.TENDER_ISO8583_DIALECT }),
        poolSize: number('TENDER_ISO8583_POOL_SIZE', 2, 1, 64),
        deadlineMs: number('TENDER_ISO8583_DEADLINE_MS', 10_000, 100, 120_000),
        database: ctx.container.resolve<Database>(DATABASE),
        // Malformed frames and link trouble go to the gateway's log (PANs masked by the link).
        log: ctx.container.resolve<{ child(bindings: object): LinkLog }>(LOGGER).child({ adapter: 'iso8583', host }),
      }),
    );
  },
};

export default plugin;
