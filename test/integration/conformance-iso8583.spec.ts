import { runBankAdapterConformance } from '@tender/core';
import { ISO_TERMS, startIsoFixture } from '../support/iso-adapter-fixture';

// The adapter against tender-bank-sim in a separate process, over real TCP on loopback,
// in each shipped dialect (ASCII, BCD, EBCDIC, BCD with a TPDU and F-padded PAN, 4-digit ASCII length header).
for (const dialect of ['iso8583-1987-ascii', 'iso8583-1987-bcd', 'iso8583-1987-ebcdic', 'iso8583-1987-bcd-tpdu', 'iso8583-1987-ascii4'])
  runBankAdapterConformance(
    { describe, it, before, after },
    {
      name: `iso8583 (${dialect}) against tender-bank-sim`,
      async create() {
        const fixture = await startIsoFixture({ dialect });
        return {
          adapter: fixture.adapter,
          connection: ISO_TERMS,
          currency: 'RUB',
          chargedTo: (card: string) => fixture.sim.charged(card),
          // tender-bank-sim's account of 100.00 (SIMULATOR_ACCOUNTS), debited in field 102.
          account: '40817810000000000002',
          // docs/iso8583.md, response codes.
          declineCodes: { do_not_honor: '05', insufficient_funds: '51', expired_card: '54', incorrect_cvc: 'N7' },
          close: () => fixture.close(),
        };
      },
    },
  );
