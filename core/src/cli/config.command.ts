import { parseArgs } from 'node:util';
import { createDatabase } from '../db/database';
import { findConfigProblems } from './config-problems';
import { checkSurroundings } from './config-surroundings';

export const CONFIG_USAGE = `tender config check [--connect]   every problem in the configuration, by variable; exit 1 if any
                                   (--connect: also open the database)`;

/** Thrown for a command line that does not parse; main prints the usage (exit 2). */
export class ConfigUsageError extends Error {}

/**
 * `tender config check`: validates the environment as `tender start` would read it and
 * prints every problem with the variable to change, then warnings (legal, unwise).
 * Exit 0 when it would start, 1 when not. It runs before anything is loaded, so a
 * configuration too broken to start is still diagnosed; it writes nothing, not even
 * the generated secrets a first start keeps in the data directory.
 *
 * @example
 * const code = await configCommand(['check'], { PORT: 'x' }, process.stdout, process.cwd());
 * // prints "PORT: Expected number, received nan" and returns 1
 */
export async function configCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  out: NodeJS.WritableStream,
  cwd: string,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new ConfigUsageError((error as Error).message);
  }
  if (parsed.positionals[0] !== 'check' || parsed.positionals.length > 1) throw new ConfigUsageError(`unknown subcommand '${parsed.positionals.join(' ')}'`);

  const { problems, config } = findConfigProblems(env, cwd);
  const reported = new Set(problems.map((p) => p.variable));
  const surroundings = config === undefined ? { errors: [], warnings: [] } : checkSurroundings(config, env, reported);
  const errors = [...problems, ...surroundings.errors];
  if (config !== undefined && errors.length === 0 && parsed.values.connect === true) {
    const problem = await tryConnect(config.database);
    if (problem !== undefined) errors.push({ variable: 'DATABASE_URL', message: problem });
  }

  for (const e of errors) out.write(`error    ${e.variable}: ${e.message}\n`);
  for (const w of surroundings.warnings) out.write(`warning  ${w.variable}: ${w.message}\n`);
  if (errors.length > 0) {
    out.write(`configuration: ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}; tender start would refuse it (docs/configuration.md)\n`);
    return 1;
  }
  if (config !== undefined) {
    const database = config.database.client === 'sqlite' ? `SQLite ${config.database.filename}` : `MySQL/MariaDB ${redactPassword(config.database.url)}`;
    out.write(
      `configuration OK: ${config.production ? 'production' : 'not production'}, ${database}${parsed.values.connect === true ? ' (connected)' : ''}, public URL ${config.publicUrl}, listening on ${config.host}:${config.port}\n`,
    );
  }
  return 0;
}

function parse(argv: string[]): { values: { connect?: boolean }; positionals: string[] } {
  return parseArgs({ args: argv, allowPositionals: true, options: { connect: { type: 'boolean' } } });
}

async function tryConnect(database: Parameters<typeof createDatabase>[0]): Promise<string | undefined> {
  const db = createDatabase(database, { poolMax: 1 });
  try {
    await db.raw('select 1');
    return undefined;
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    return `cannot connect: ${typeof e.code === 'string' ? `${e.code} ` : ''}${typeof e.message === 'string' ? e.message : String(error)}`;
  } finally {
    await db.destroy();
  }
}

/** The database URL as printed: never its password. */
function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
