import fs from 'node:fs';
import path from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { TenderConfig } from '../config/config';
import { ConfigProblem } from './config-problems';
import { PageTheme } from '../pages/page-theme';
import { ThemeFileError, ThemeFiles } from '../pages/theme-files';
import { createTemplateEnv } from '../templating/template-env';
import { SignupPages, themedSignupFiles } from '../http/signup/signup-pages';
import { themedEmailFiles } from '../notifications/email/email-renderer';

/** What a valid configuration still needs from the machine, as errors and warnings. */
export interface SurroundingsReport {
  readonly errors: ConfigProblem[];
  readonly warnings: ConfigProblem[];
}

/**
 * Checks what the loader cannot: that the files and directories the configuration
 * names are there and usable (TLS certificate and key, and that they belong
 * together; the data directory; the theme; the plugins), and what is legal but
 * unwise for production. `skip` holds variables already reported as invalid, whose
 * defaults would only produce follow-on noise.
 *
 * @example
 * const { errors, warnings } = checkSurroundings(loadConfig(), process.env, new Set());
 */
export function checkSurroundings(config: TenderConfig, env: Readonly<Record<string, string | undefined>>, skip: ReadonlySet<string>): SurroundingsReport {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const check = (variable: string, test: () => string | undefined, into: ConfigProblem[] = errors): void => {
    if (skip.has(variable)) return;
    const message = test();
    if (message !== undefined) into.push({ variable, message });
  };

  check('TENDER_DATA_DIR', () => writableDirectory(config.dataDir));
  if (config.database.client === 'sqlite') {
    const file = config.database.filename;
    check('DATABASE_URL', () => (fs.existsSync(file) ? writableFile(file) : writableDirectory(path.dirname(file))));
  }
  check('TENDER_TEMPLATES_DIR', () => themeProblem(config));
  const { tlsCertFile, tlsKeyFile } = config.certificates;
  if (tlsCertFile !== undefined && tlsKeyFile !== undefined) {
    const certificate = readPem('TENDER_TLS_CERT_FILE', tlsCertFile, errors, (pem) => new X509Certificate(pem));
    const key = readPem('TENDER_TLS_KEY_FILE', tlsKeyFile, errors, (pem) => createPrivateKey(pem));
    if (certificate !== undefined && key !== undefined) {
      if (!certificate.checkPrivateKey(key))
        errors.push({ variable: 'TENDER_TLS_KEY_FILE', message: `${tlsKeyFile} is not the key of the certificate in ${tlsCertFile}` });
      if (Date.parse(certificate.validTo) < Date.now())
        errors.push({ variable: 'TENDER_TLS_CERT_FILE', message: `the certificate in ${tlsCertFile} expired on ${certificate.validTo}` });
    }
  }
  check('TENDER_PLUGINS', () => {
    const missing = config.plugins.filter((name) => !resolvable(name));
    return missing.length === 0 ? undefined : `not installed: ${missing.join(', ')}`;
  });

  // From the environment: the loaded config may have been loaded without NODE_ENV (config-problems.ts).
  if (env.NODE_ENV === 'production') {
    check(
      'TENDER_PUBLIC_URL',
      () => (env.TENDER_PUBLIC_URL === undefined ? `not set: links in e-mails, webhooks and certificates would point to ${config.publicUrl}` : undefined),
      warnings,
    );
    check(
      'TENDER_PUBLIC_URL',
      () =>
        env.TENDER_PUBLIC_URL !== undefined && !config.publicUrl.startsWith('https://') ? 'not https: buyers would send card data in the clear' : undefined,
      warnings,
    );
    check(
      'DATABASE_URL',
      () =>
        config.database.client === 'sqlite' ? 'SQLite: one process only, no replication; MariaDB is the production database (docs/operations.md)' : undefined,
      warnings,
    );
  } else {
    check(
      'NODE_ENV',
      () =>
        `not production: ${env.TENDER_MASTER_KEY === undefined ? 'the master key is generated into the data directory, ' : ''}test-mode conveniences are on`,
      warnings,
    );
  }
  return { errors, warnings };
}

function writableDirectory(dir: string): string | undefined {
  // A missing directory is created at start when its parent allows it.
  let existing = dir;
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (!fs.statSync(existing).isDirectory()) return `${existing} is not a directory`;
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
    return undefined;
  } catch {
    return `${existing} is not writable by this user`;
  }
}

function writableFile(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    return undefined;
  } catch {
    return `${file} is not readable and writable by this user`;
  }
}

function readPem<T>(variable: string, file: string, errors: ConfigProblem[], parse: (pem: Buffer) => T): T | undefined {
  let pem: Buffer;
  try {
    pem = fs.readFileSync(file);
  } catch (error) {
    errors.push({ variable, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    return undefined;
  }
  try {
    return parse(pem);
  } catch {
    errors.push({ variable, message: `${file} holds no PEM this setting accepts` });
    return undefined;
  }
}

function resolvable(name: string): boolean {
  try {
    // From core's own location, where the plugin loader's require() looks.
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The operator's theme as `tender start` reads it: a directory whose files (over the default theme's) all parse. */
function themeProblem(config: TenderConfig): string | undefined {
  if (!fs.existsSync(config.templatesDir) || !fs.statSync(config.templatesDir).isDirectory()) return `${config.templatesDir} is not a directory`;
  try {
    new PageTheme(config);
    loadThemedTemplateSets(config);
    return undefined;
  } catch (error) {
    return error instanceof ThemeFileError ? error.message : `the theme cannot be loaded: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The sign-up pages and the e-mails as the theme overrides them: every file the operator brings parses. */
function loadThemedTemplateSets(config: TenderConfig): void {
  new SignupPages(themedSignupFiles(config.templatesDir), config.brand);
  const email = themedEmailFiles(config.templatesDir);
  const own = new ThemeFiles([email.layers[0] ?? '']);
  for (const file of own.list('locales', '.json')) email.jsonLayers(path.join('locales', file));
  for (const folder of ['', ...own.folders('')]) {
    for (const file of own.list(folder, '.hbs')) own.compile(createTemplateEnv(), path.join(folder, file));
  }
}
