import { CliCommand } from '@tender/core';
import { CA_USAGE, caCommand } from './ca.command';
import { CERTS_USAGE, certsCommand } from './certs.command';

/** `tender ca` and `tender certs`: found by `tender` in this package when it is in TENDER_PLUGINS (CliCommand). */
export const commands: readonly CliCommand[] = [
  { name: 'ca', summary: "the operator's certificate authority (init, import, show)", usage: CA_USAGE, run: caCommand },
  { name: 'certs', summary: 'payer certificates (issue, revoke, list, audit); see docs/certificates.md', usage: CERTS_USAGE, run: certsCommand },
];
