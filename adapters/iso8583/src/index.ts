import { definePlugin } from '@tender/core';
import { z } from 'zod';
import { LinkLog } from './link/link-log';
import { Iso8583BankAdapter } from './iso8583-bank.adapter';
import { isoLinkTables } from './migrations/001-iso8583-link';

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
export { isoLinkTables } from './migrations/001-iso8583-link';

/**
 * Registers one ISO 8583 processing centre. Options (docs/plugins.md): host, port,
 * dialect, poolSize, deadlineMs, set as TENDER_PLUGIN_ISO8583_<OPTION> or in the
 * config file (the former TENDER_ISO8583_* names still work, deprecated). Owns its
 * tables (migrations/).
 */
export const plugin = definePlugin({
  name: '@tender/adapter-iso8583',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(8583),
    dialect: z.string().min(1).optional(),
    poolSize: z.number().int().min(1).max(64).default(2),
    deadlineMs: z.number().int().min(100).max(120_000).default(10_000),
  }),
  migrations: [isoLinkTables],
  setup(ctx) {
    const { host, port, dialect, poolSize, deadlineMs } = ctx.options;
    ctx.registerBankAdapter(
      new Iso8583BankAdapter({
        host,
        port,
        ...(dialect === undefined ? {} : { dialect }),
        poolSize,
        deadlineMs,
        database: ctx.core.database,
        // Malformed frames and link trouble go to the gateway's log (PANs masked by the link).
        log: (ctx.core.logger as { child(bindings: object): LinkLog }).child({ adapter: 'iso8583', host }),
      }),
    );
  },
});

export default plugin;
