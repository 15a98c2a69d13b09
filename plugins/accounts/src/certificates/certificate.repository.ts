import { injectable } from 'tsyringe';
import { Queryable, forUpdate } from '@tender/core';
import { normalizeSerial } from './x509';

/** One issued payer certificate (a row of `payer_certificates`). */
export interface CertificateRecord {
  readonly serial: string;
  readonly caId: string;
  readonly payerId: string;
  readonly accountId: string;
  readonly subject: string;
  readonly fingerprintSha256: string;
  readonly certificatePem: string;
  readonly issuedFrom: 'csr' | 'pkcs12';
  readonly notBefore: number;
  readonly notAfter: number;
  readonly status: 'valid' | 'revoked';
  readonly revocationReason: string | null;
  readonly revokedAt: number | null;
  readonly createdAt: number;
}

export interface CertificateListFilter {
  readonly payerId?: string | undefined;
  readonly status?: 'valid' | 'revoked' | undefined;
  readonly limit: number;
}

@injectable()
export class CertificateRepository {
  async insert(q: Queryable, r: CertificateRecord): Promise<void> {
    await q('payer_certificates').insert({
      serial: normalizeSerial(r.serial),
      ca_id: r.caId,
      payer_id: r.payerId,
      account_id: r.accountId,
      subject: r.subject.slice(0, 500),
      fingerprint_sha256: r.fingerprintSha256,
      certificate_pem: r.certificatePem,
      issued_from: r.issuedFrom,
      not_before: r.notBefore,
      not_after: r.notAfter,
      status: r.status,
      created_at: r.createdAt,
    });
  }

  async findBySerial(q: Queryable, serial: string, options: { lock?: boolean } = {}): Promise<CertificateRecord | undefined> {
    const query = q('payer_certificates')
      .where({ serial: normalizeSerial(serial) })
      .first();
    const row = await (options.lock === true ? forUpdate(q, query) : query);
    return row === undefined ? undefined : fromRow(row);
  }

  async list(q: Queryable, filter: CertificateListFilter): Promise<CertificateRecord[]> {
    const query = q('payer_certificates').orderBy('seq', 'desc').limit(filter.limit);
    if (filter.payerId !== undefined) query.where({ payer_id: filter.payerId });
    if (filter.status !== undefined) query.where({ status: filter.status });
    return (await query).map(fromRow);
  }

  /** Every certificate still in use (valid, not expired), oldest first, read in batches. */
  async *inUse(q: Queryable, now: number, batchSize = 500): AsyncGenerator<CertificateRecord> {
    for (let after = 0; ;) {
      const rows: Record<string, unknown>[] = await q('payer_certificates')
        .where({ status: 'valid' })
        .where('not_after', '>', now)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(batchSize);
      for (const row of rows) yield fromRow(row);
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < batchSize) return;
      after = Number(last.seq);
    }
  }

  async listRevoked(q: Queryable, caId: string): Promise<CertificateRecord[]> {
    return (await q('payer_certificates').where({ ca_id: caId, status: 'revoked' }).orderBy('seq')).map(fromRow);
  }
}

function fromRow(row: Record<string, unknown>): CertificateRecord {
  return {
    serial: String(row.serial),
    caId: String(row.ca_id),
    payerId: String(row.payer_id),
    accountId: String(row.account_id),
    subject: String(row.subject),
    fingerprintSha256: String(row.fingerprint_sha256),
    certificatePem: String(row.certificate_pem),
    issuedFrom: row.issued_from === 'csr' ? 'csr' : 'pkcs12',
    notBefore: Number(row.not_before),
    notAfter: Number(row.not_after),
    status: row.status === 'revoked' ? 'revoked' : 'valid',
    revocationReason: (row.revocation_reason as string | null) ?? null,
    revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : Number(row.revoked_at),
    createdAt: Number(row.created_at),
  };
}

/** The certificate as the operator API shows it. */
export function certificateView(r: CertificateRecord): Record<string, unknown> {
  return {
    object: 'certificate',
    serial: normalizeSerial(r.serial),
    payer_id: r.payerId,
    account_id: r.accountId,
    subject: r.subject,
    fingerprint_sha256: r.fingerprintSha256,
    issued_from: r.issuedFrom,
    not_before: new Date(r.notBefore).toISOString(),
    not_after: new Date(r.notAfter).toISOString(),
    status: r.status,
    revocation_reason: r.revocationReason,
    revoked_at: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
    certificate_pem: r.certificatePem,
  };
}
