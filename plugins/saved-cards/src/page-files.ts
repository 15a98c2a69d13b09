import fs from 'node:fs';
import path from 'node:path';

/** The package folder (next to dist/): templates/ and locales/ ship there. */
export const PACKAGE_DIR = path.join(__dirname, '..');

/** A file of templates/, read once at start. */
export function readTemplate(name: string): string {
  return fs.readFileSync(path.join(PACKAGE_DIR, 'templates', name), 'utf8');
}

/** A JSON file of locales/ (texts per locale). */
export function readLocale<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'locales', name), 'utf8')) as T;
}
