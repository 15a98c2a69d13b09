import 'reflect-metadata';

/** Which database this run uses, printed once so a CI log says what was tested. */
export const mochaHooks = {
  beforeAll(): void {
    const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
    const target = url !== undefined && /^(mysql|mariadb):/.test(url) ? `MySQL/MariaDB (${new URL(url).host})` : 'SQLite (temporary files)';
    process.stdout.write(`integration database: ${target}\n`);
  },
};
