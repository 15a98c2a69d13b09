#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { AddressInfo } from 'node:net';
import { DIALECTS } from '../packager/dialects';
import { BankSimulator } from './bank-simulator';
import { CardBook } from './card-book';
import { startControlServer } from './control-server';

/**
 * tender-bank-sim [--port 8583] [--control-port 8584] [--host 127.0.0.1]
 *                 [--dialect iso8583-1987-ascii] [--state file.json]
 * Prints one JSON line {"port":..,"controlPort":..} once it listens.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8583' },
      'control-port': { type: 'string', default: '8584' },
      host: { type: 'string', default: '127.0.0.1' },
      dialect: { type: 'string', default: 'iso8583-1987-ascii' },
      state: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const dialect = DIALECTS[values.dialect];
  if (dialect === undefined) throw new Error(`unknown dialect ${values.dialect} (known: ${Object.keys(DIALECTS).join(', ')})`);
  const log = values.verbose ? (line: string) => process.stderr.write(`${line}\n`) : () => {};
  const sim = new BankSimulator(dialect, new CardBook(values.state), log);
  const port = await sim.listen(Number(values.port), values.host);
  const control = await startControlServer(sim, Number(values['control-port']), values.host);
  process.stdout.write(`${JSON.stringify({ port, controlPort: (control.address() as AddressInfo).port })}\n`);
  const stop = (): void => {
    control.close();
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`tender-bank-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
