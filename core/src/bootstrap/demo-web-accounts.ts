import fs from 'node:fs';
import path from 'node:path';
import { Gateway } from '../gateway';
import { randomToken } from '../ids/ids';
import { WebAccountService } from '../web/accounts/web-account.service';

export interface DemoWebAccounts {
  readonly dashboard: { readonly email: string; readonly password: string };
  readonly console: { readonly email: string; readonly password: string };
  readonly file: string;
}

/**
 * Next to the demo merchant: an owner of it for the dashboard and an operator for the
 * console, with random passwords saved in data/demo-web-accounts.json (mode 0600), so
 * `npm start` prints sign-ins that work on every start of the same data directory.
 */
export async function ensureDemoWebAccounts(gateway: Gateway): Promise<DemoWebAccounts | undefined> {
  const dir = gateway.config.dataDir;
  const file = path.join(dir, 'demo-web-accounts.json');
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<DemoWebAccounts, 'file'>;
    return { ...saved, file };
  }
  const merchantFile = path.join(dir, 'demo-merchant.json');
  if (!fs.existsSync(merchantFile)) return undefined;
  const { merchantId } = JSON.parse(fs.readFileSync(merchantFile, 'utf8')) as { merchantId: string };
  const accounts = gateway.container.resolve(WebAccountService);
  const dashboard = { email: 'owner@demo.example', password: randomToken(16) };
  const operator = { email: 'operator@demo.example', password: randomToken(16) };
  if ((await accounts.findByEmail('merchant', dashboard.email)) !== undefined || (await accounts.findByEmail('operator', operator.email)) !== undefined)
    return undefined;
  await accounts.createMerchantUser({ merchantId, email: dashboard.email, role: 'owner', password: dashboard.password });
  await accounts.createOperator({ email: operator.email, password: operator.password });
  const demo = { dashboard, console: operator };
  fs.writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return { ...demo, file };
}
