import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { randomToken } from '../ids/ids';

/**
 * Secrets the embedded default keeps in its data directory when the operator gave
 * none: the admin token and the master key. Files are created with mode 0600 and
 * reused on every later start, so a restart does not lock the operator out or make
 * stored card data unreadable.
 */
export interface LocalSecret {
  readonly value: string;
  readonly created: boolean;
  readonly file: string;
}

export function readOrCreateSecret(dataDir: string, name: string, generate: () => string): LocalSecret {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return { value: fs.readFileSync(file, 'utf8').trim(), created: false, file };
  const value = generate();
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, created: true, file };
}

export const generateMasterKey = (): string => randomBytes(32).toString('base64');
export const generateAdminToken = (): string => `adm_${randomToken(40)}`;
