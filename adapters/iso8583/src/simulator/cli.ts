#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { DIALECTS } from '../packager/dialects';
import { BankSimulator } from './bank-simulator';
import { CardBook } from './card-book';
import { startControlServer } from './control-server';

/**
 * tender-bank-sim [--port 8583] [--control-port 8584] [--host 127.0.0.1]
 *                 [--dialect iso8583-1987-ascii] [--state file.json]
 *                 [--zmk 32HEX] [--tls-cert cert.pem --tls-key key.pem]
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
      zmk: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  const dialect = DIALECTS[values.dialect];
  if (dialect === undefined) throw new Error(`unknown dialect ${values.dialect} (known: ${Object.keys(DIALECTS).join(', ')})`);
  const log = values.verbose ? (line: string) => process.stderr.write(`${line}\n`) : () => {};
  if (values.zmk !== undefined && !/^[0-9A-F]{32}$/.test(values.zmk)) throw new Error('--zmk is 32 upper-case hex digits');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together');
  const security = {
    ...(values.zmk === undefined ? {} : { zoneMasterKey: Buffer.from(values.zmk, 'hex') }),
    ...(values['tls-cert'] === undefined || values['tls-key'] === undefined
      ? {}
      : { tls: { cert: readFileSync(values['tls-cert'], 'utf8'), key: readFileSync(values['tls-key'], 'utf8') } }),
  };
  const sim = new BankSimulator(dialect, new CardBook(values.state), log, security);
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
