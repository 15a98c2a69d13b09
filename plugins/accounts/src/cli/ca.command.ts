import fs from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createDatabase,
  generateMasterKey,
  KeyRing,
  migratePlugins,
  migrateToLatest,
  readOrCreateSecret,
  SystemClock,
  TenderConfig,
  UsageError,
} from '@tender/core';
import { plugin } from '../accounts.plugin';
import { CaAlreadyExistsError, CertificateAuthority } from '../certificates/certificate-authority';
import { strictProfileProblems } from '../certificates/strict-profile';

export const CA_USAGE = `tender ca init [--cn NAME] [--org ORGANIZATION] [--years N]
tender ca import --cert CA.pem --key CA-KEY.pem
tender ca show`;

/**
 * `tender ca`: create, import or print the operator's CA. It works on the database
 * directly (no gateway, no other plugin), so it also runs before the first start:
 * it brings core's and this plugin's migrations up to date first.
 */
export async function caCommand(config: TenderConfig, argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { cn: { type: 'string' }, org: { type: 'string' }, years: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' } },
  });
  const sub = positionals[0];
  const db = createDatabase(config.database);
  try {
    // Core's tables, then this plugin's own (the CA's table is the plugin's migration).
    await migrateToLatest(db);
    await migratePlugins(db, [plugin]);
    const master = config.masterKey ?? readOrCreateSecret(config.dataDir, 'master.key', generateMasterKey).value;
    const authority = new CertificateAuthority(db, new SystemClock(), new KeyRing(master, config.previousMasterKeys));
    if (sub === 'init') {
      const years = values.years === undefined ? undefined : Number(values.years);
      if (years !== undefined && !(Number.isInteger(years) && years > 0 && years <= 30)) throw new UsageError('--years must be a whole number from 1 to 30');
      const ca = await authority.init({
        commonName: values.cn ?? `Tender payer CA (${new URL(config.publicUrl).host})`,
        organization: values.org,
        validityYears: years,
      });
      out.write(`created CA ${ca.id}: ${ca.x509.subject.replace(/\n/g, ', ')}\n${ca.certificatePem}`);
      return 0;
    }
    if (sub === 'import') {
      if (values.cert === undefined || values.key === undefined) throw new UsageError('tender ca import needs --cert and --key');
      const ca = await authority.importCa(fs.readFileSync(values.cert, 'utf8'), fs.readFileSync(values.key, 'utf8'));
      out.write(`imported CA ${ca.id}: ${ca.x509.subject.replace(/\n/g, ', ')}; its key is now sealed in the database, keep ${values.key} offline\n`);
      const problems = strictProfileProblems(ca.x509.raw, 'ca');
      // Imported as it is (it is the operator's CA), but said now rather than found by a bank later.
      if (problems.length > 0) out.write(`warning: strict parsers will refuse this CA certificate: ${problems.join('; ')}\n`);
      return 0;
    }
    if (sub === 'show') {
      out.write((await authority.require()).certificatePem);
      return 0;
    }
    throw new UsageError(`unknown subcommand '${sub ?? ''}'`);
  } catch (error) {
    if (error instanceof CaAlreadyExistsError) throw new UsageError('a CA already exists (tender ca show prints it)');
    throw error;
  } finally {
    await db.destroy();
  }
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
