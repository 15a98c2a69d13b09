import { ConfigError, TenderConfig, loadConfig } from '../config/config';

/** One thing wrong with the configuration, named by the environment variable that causes it. */
export interface ConfigProblem {
  /** The variable to change (the first one named, when a rule ties several together). */
  readonly variable: string;
  readonly message: string;
}

/** The names of Tender's environment variables as the configuration's messages spell them. */
const VARIABLE = /\b(?:PORT|HOST|NODE_ENV|DATABASE_URL|TENDER_[A-Z0-9_]+)\b/g;

/** Most passes over the environment; each removes at least one variable, so this only bounds a surprise. */
const MAX_PASSES = 100;

/**
 * Every problem `loadConfig` finds in an environment, not only the first: the loader
 * stops at the first rule that fails (the schema reports its own problems together,
 * the rules after it one at a time), so this loads again without the variables
 * already reported, until the rest loads. Working from the loader's messages keeps
 * the loader the one judge of what is valid: a rule added there is checked here.
 *
 * `config` is what loads once the faulty variables are left out (their defaults in
 * their place), for further checks of the rest; undefined when nothing loads.
 *
 * @example
 * const { problems } = findConfigProblems({ PORT: 'eighty', TENDER_MASTER_KEY: 'short' }, process.cwd());
 * // [{ variable: 'PORT', ... }, { variable: 'TENDER_MASTER_KEY', message: 'TENDER_MASTER_KEY must be base64 of exactly 32 bytes ...' }]
 */
export function findConfigProblems(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): { problems: ConfigProblem[]; config: TenderConfig | undefined } {
  const remaining: Record<string, string | undefined> = { ...env };
  const problems: ConfigProblem[] = [];
  const reported = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let error: ConfigError;
    try {
      return { problems, config: loadConfig(remaining, cwd) };
    } catch (caught) {
      if (!(caught instanceof ConfigError)) throw caught;
      error = caught;
    }
    let progress = false;
    for (const line of messageLines(error.message)) {
      const named = [...new Set(line.match(VARIABLE) ?? [])];
      const variable = named[0];
      if (variable === undefined) {
        problems.push({ variable: 'configuration', message: line });
        return { problems, config: undefined };
      }
      // Left out, a variable that production requires comes back as "required": a
      // placeholder stands in for it so the rules after it still run.
      if (reported.has(variable)) {
        if (remaining[variable] === undefined && PLACEHOLDERS[variable] !== undefined) {
          remaining[variable] = PLACEHOLDERS[variable];
          progress = true;
        }
        continue;
      }
      problems.push({ variable, message: withoutName(line, variable) });
      reported.add(variable);
      // NODE_ENV is named by the rules it switches on, never the one at fault.
      for (const name of named) if (name !== 'NODE_ENV') delete remaining[name];
      progress = true;
    }
    if (!progress) return { problems, config: undefined };
  }
  return { problems, config: undefined };
}

/** Valid stand-ins for variables that NODE_ENV=production makes required. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  TENDER_MASTER_KEY: Buffer.alloc(32).toString('base64'),
  TENDER_ADMIN_TOKEN: 'placeholder-token-for-config-check',
};

/** "PORT: Expected number" and "TENDER_MASTER_KEY must be ..." without the name printed beside them anyway. */
function withoutName(line: string, variable: string): string {
  if (line.startsWith(`${variable}: ${variable} `)) return line.slice(variable.length * 2 + 3);
  if (line.startsWith(`${variable}: `)) return line.slice(variable.length + 2);
  if (new RegExp(`^${variable} (must|is) `).test(line)) return line.slice(variable.length + 1);
  return line;
}

/** "invalid configuration:\n  A: ...\n  B: ..." or a single sentence. */
function messageLines(message: string): string[] {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[0] === 'invalid configuration:' ? lines.slice(1) : lines;
}
