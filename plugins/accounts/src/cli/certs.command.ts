import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DATABASE, Database, Gateway, TenderConfig, UsageError } from '@tender/core';
import { CertificateIssuer } from '../certificates/certificate-issuer';
import { CertificateRepository, certificateView } from '../certificates/certificate.repository';
import { REVOCATION_REASONS, RevocationReason } from '../certificates/crl-builder';
import { CertificateAuthority } from '../certificates/certificate-authority';
import { strictProfileProblems } from '../certificates/strict-profile';
import { normalizeSerial } from '../certificates/x509';

export const CERTS_USAGE = `tender certs issue --payer PAYER_ID --account ACCOUNT_ID --csr DEVICE.csr [--out CERT.pem] [--days N]
tender certs issue --payer PAYER_ID --account ACCOUNT_ID --p12 OUT.p12 --password PASSWORD [--days N]
tender certs revoke SERIAL [--reason ${Object.keys(REVOCATION_REASONS).join('|')}]
tender certs list [--payer PAYER_ID] [--status valid|revoked] [--limit N]
tender certs audit`;

/**
 * `tender certs audit`: the CA certificate, then every certificate still in use that
 * a strict parser would refuse (issued before Tender's strict profile), with the
 * reasons. Exit 0 either way: findings are a report, not a failure.
 */
async function audit(gateway: Gateway, out: NodeJS.WritableStream): Promise<number> {
  const ca = await gateway.container.resolve(CertificateAuthority).require();
  const caProblems = strictProfileProblems(ca.x509.raw, 'ca');
  out.write(`CA ${ca.id}: ${caProblems.length === 0 ? 'ok' : caProblems.join('; ')}\n`);
  const db = gateway.container.resolve<Database>(DATABASE);
  let inUse = 0;
  let refused = 0;
  for await (const r of gateway.container.resolve(CertificateRepository).inUse(db, Date.now())) {
    inUse += 1;
    const problems = strictProfileProblems(new X509Certificate(r.certificatePem).raw);
    if (problems.length === 0) continue;
    refused += 1;
    out.write(`${normalizeSerial(r.serial)}  ${r.payerId}  ${r.accountId}  until ${new Date(r.notAfter).toISOString()}  ${problems.join('; ')}\n`);
  }
  out.write(
    `${refused} of ${inUse} certificates in use would be refused by strict parsers${refused === 0 ? '' : ': issue new ones (tender certs issue) and revoke these with --reason superseded'}\n`,
  );
  return 0;
}

/** `tender certs`: the operator's certificate inventory from the command line (the same services as /admin/v1/certificates). */
export async function certsCommand(config: TenderConfig, argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      payer: { type: 'string' },
      account: { type: 'string' },
      csr: { type: 'string' },
      out: { type: 'string' },
      p12: { type: 'string' },
      password: { type: 'string' },
      days: { type: 'string' },
      reason: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  const sub = positionals[0];
  if (sub !== 'issue' && sub !== 'revoke' && sub !== 'list' && sub !== 'audit') throw new UsageError(`unknown subcommand '${sub ?? ''}'`);
  const gateway = await Gateway.create(config);
  try {
    const issuer = gateway.container.resolve(CertificateIssuer);
    if (sub === 'issue') {
      if (values.payer === undefined || values.account === undefined) throw new UsageError('tender certs issue needs --payer and --account');
      const days = values.days === undefined ? undefined : Number(values.days);
      const target = { payerId: values.payer, accountId: values.account, validityDays: days };
      if (values.csr !== undefined) {
        const record = await issuer.issueFromCsr(target, fs.readFileSync(values.csr, 'utf8'));
        if (values.out !== undefined) fs.writeFileSync(values.out, record.certificatePem);
        out.write(`issued ${certificateView(record).serial as string} for ${record.payerId}\n${values.out === undefined ? record.certificatePem : ''}`);
        return 0;
      }
      if (values.p12 === undefined || values.password === undefined) throw new UsageError('give --csr, or --p12 and --password');
      if (values.password.length < 8) throw new UsageError('--password must be at least 8 characters');
      const bundle = await issuer.issueWithKeyPair(target, values.password);
      fs.writeFileSync(values.p12, bundle.pkcs12, { mode: 0o600 });
      out.write(`issued ${certificateView(bundle.certificate).serial as string} for ${bundle.certificate.payerId}; PKCS#12 written to ${values.p12}\n`);
      return 0;
    }
    if (sub === 'revoke') {
      const serial = positionals[1];
      const reason = (values.reason ?? 'unspecified') as RevocationReason;
      if (serial === undefined) throw new UsageError('tender certs revoke needs a serial');
      if (!(reason in REVOCATION_REASONS)) throw new UsageError(`--reason must be one of ${Object.keys(REVOCATION_REASONS).join(', ')}`);
      const record = await issuer.revoke(serial, reason);
      out.write(`revoked ${certificateView(record).serial as string} (${reason})\n`);
      return 0;
    }
    if (sub === 'audit') return await audit(gateway, out);
    const status = values.status === 'valid' || values.status === 'revoked' ? values.status : undefined;
    const list = await gateway.container
      .resolve(CertificateRepository)
      .list(gateway.container.resolve<Database>(DATABASE), { payerId: values.payer, status, limit: Number(values.limit ?? '50') });
    for (const r of list.map(certificateView))
      out.write(`${String(r.serial)}  ${String(r.status).padEnd(7)}  ${String(r.payer_id)}  ${String(r.account_id)}  until ${String(r.not_after)}\n`);
    return 0;
  } finally {
    await gateway.close();
  }
}
