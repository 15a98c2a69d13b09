import { parseArgs } from 'node:util';
import { TenderConfig } from '../config/config';
import { Gateway } from '../gateway';
import { randomToken } from '../ids/ids';
import { PASSWORD_LINK_TTL, PasswordLinkService } from '../web/accounts/password-link.service';
import { WebAccountService } from '../web/accounts/web-account.service';
import { UsageError } from './cli-command';

export const OPERATOR_USAGE = `tender operator add --email EMAIL [--password PASSWORD]   (no --password: one is generated and printed once)
tender operator link --email EMAIL                          (a one-time link to set a new password)
tender operator list`;

/** `tender operator`: console accounts from the command line (the same services as /admin/v1/operators). */
export async function operatorCommand(config: TenderConfig, argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { email: { type: 'string' }, password: { type: 'string' } } });
  const sub = positionals[0];
  if (sub !== 'add' && sub !== 'link' && sub !== 'list') throw new UsageError(`unknown subcommand '${sub ?? ''}'`);
  if (sub !== 'list' && values.email === undefined) throw new UsageError(`tender operator ${sub} needs --email`);
  const gateway = await Gateway.create(config);
  try {
    const accounts = gateway.container.resolve(WebAccountService);
    if (sub === 'add') {
      const password = values.password ?? randomToken(20);
      const account = await accounts.createOperator({ email: values.email ?? '', password });
      out.write(`operator ${account.email} added (${account.id}); sign in at ${config.publicUrl}/console\n`);
      if (values.password === undefined) out.write(`password (shown once): ${password}\n`);
      return 0;
    }
    if (sub === 'link') {
      const account = await accounts.findByEmail('operator', values.email ?? '');
      if (account === undefined) throw new UsageError(`no operator ${values.email ?? ''}`);
      const links = gateway.container.resolve(PasswordLinkService);
      out.write(`${links.urlFor(account, await links.create(account.id, PASSWORD_LINK_TTL.resetMs))}\n`);
      return 0;
    }
    const rows = (await gateway
      .db('web_accounts')
      .where({ realm: 'operator' })
      .orderBy('created_at')
      .limit(500)
      .select('id', 'email', 'totp_enabled')) as Array<{ id: string; email: string; totp_enabled: number | boolean }>;
    for (const r of rows) out.write(`${r.id}  ${r.email}${r.totp_enabled ? '  (TOTP)' : ''}\n`);
    return 0;
  } finally {
    await gateway.close();
  }
}
