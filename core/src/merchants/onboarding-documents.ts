import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError, notFound } from '../errors/tender-error';
import { newId } from '../ids/ids';
import { KEY_RING, KeyRing } from '../vault/key-ring';
import { MerchantRepository } from './merchant.repository';

/** The largest document accepted: 10 MB. */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

/** The types accepted, each recognised by its first bytes (never by the name or the browser's claim). */
export type DocumentType = 'application/pdf' | 'image/jpeg' | 'image/png';

const EXTENSIONS: Readonly<Record<DocumentType, string>> = { 'application/pdf': '.pdf', 'image/jpeg': '.jpg', 'image/png': '.png' };

/** A stored document as the dashboard and console list it (never its content). */
export interface OnboardingDocument {
  readonly id: string;
  readonly merchantId: string;
  readonly requirement: string;
  readonly fileName: string;
  readonly contentType: DocumentType;
  readonly size: number;
  readonly uploadedBy: string;
  readonly createdAt: number;
}

/** What a browser sent: the bytes and the name it gave (hostile until sanitised). */
export interface DocumentUpload {
  readonly requirement: string;
  readonly fileName: string;
  readonly bytes: Buffer;
  readonly uploadedBy: string;
}

/**
 * The documents a merchant uploads for its bank's contract (the bank's list of
 * requirements says "upload them here"). Limits: PDF, JPEG or PNG by magic bytes, at
 * most DOCUMENT_MAX_BYTES, a file name that is not a path or a trick (isHostileFileName), only while the contract is being prepared (bank chosen,
 * contract signed), and for one of the chosen bank's requirements. The content is
 * sealed with AES-256-GCM under a key derived from the master key, the document id
 * and merchant bound in as associated data, so a row copied to another merchant does
 * not open. Reads filter by merchant; only the operator reads across merchants.
 *
 * @example
 * ```ts
 * const doc = await documents.upload('mer_1', { requirement: 'charter', fileName: 'Устав.pdf', bytes, uploadedBy: 'usr_1' });
 * const { bytes } = await documents.read(doc.id, { merchantId: 'mer_1' });
 * ```
 */
@injectable()
export class OnboardingDocuments {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(KEY_RING) private readonly keys: KeyRing,
    @inject(MerchantRepository) private readonly merchants: MerchantRepository,
  ) {}

  async upload(merchantId: string, upload: DocumentUpload, requirements: readonly string[]): Promise<OnboardingDocument> {
    if (upload.bytes.length > DOCUMENT_MAX_BYTES) throw new TenderError('document_too_large', { param: 'file' });
    const type = sniffDocumentType(upload.bytes);
    if (type === undefined) throw new TenderError('document_type_unsupported', { param: 'file' });
    if (isHostileFileName(upload.fileName)) throw new TenderError('document_name_invalid', { param: 'file' });
    const id = newId('doc');
    const version = this.keys.current.version;
    const sealed = this.seal(id, merchantId, version, upload.bytes);
    const doc: OnboardingDocument = {
      id,
      merchantId,
      requirement: upload.requirement,
      fileName: safeFileName(upload.fileName, type),
      contentType: type,
      size: upload.bytes.length,
      uploadedBy: upload.uploadedBy,
      createdAt: this.clock.now(),
    };
    await inTransaction(this.db, async (trx) => {
      const m = await this.merchants.lock(trx, merchantId);
      if (m.stage !== 'bank_chosen' && m.stage !== 'contract_signed') {
        throw new TenderError(m.stage === 'suspended' ? 'merchant_suspended' : 'merchant_invalid_stage', {
          message: 'Documents go to the bank once a bank is chosen and until you are live.',
        });
      }
      if (!requirements.includes(upload.requirement))
        throw new TenderError('parameter_invalid', { param: 'requirement', message: 'Choose one of the documents your bank asks for.' });
      await trx('onboarding_documents').insert({
        id,
        merchant_id: merchantId,
        requirement: doc.requirement,
        file_name: doc.fileName,
        content_type: type,
        size: doc.size,
        key_version: version,
        sealed,
        uploaded_by: doc.uploadedBy,
        created_at: doc.createdAt,
      });
    });
    return doc;
  }

  /** A merchant's documents, newest first. */
  async list(merchantId: string): Promise<OnboardingDocument[]> {
    const rows = await this.db('onboarding_documents')
      .where({ merchant_id: merchantId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .select(...LIST_COLUMNS);
    return rows.map(documentFromRow);
  }

  /**
   * The document and its content. `scope.merchantId` is the signed-in merchant: another
   * merchant's document is a 404, the same as one that does not exist. `operator`
   * reads any merchant's.
   */
  async read(id: string, scope: { merchantId: string } | 'operator'): Promise<{ document: OnboardingDocument; bytes: Buffer }> {
    let query = this.db('onboarding_documents').where({ id });
    if (scope !== 'operator') query = query.andWhere({ merchant_id: scope.merchantId });
    const row = await query.first();
    if (row === undefined) throw notFound('document', id);
    const document = documentFromRow(row);
    return { document, bytes: this.open(id, document.merchantId, String(row.key_version), Buffer.from(row.sealed as Uint8Array)) };
  }

  private seal(id: string, merchantId: string, version: string, bytes: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(version), iv);
    cipher.setAAD(Buffer.from(`${id}:${merchantId}`));
    const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private open(id: string, merchantId: string, version: string, sealed: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.keyFor(version), sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${id}:${merchantId}`));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  }

  private keyFor(version: string): Buffer {
    const key = this.keys.derivedKey('tender/onboarding-documents/v1', version);
    if (key === undefined) throw new Error(`master key ${version} is not configured; cannot read documents sealed with it`);
    return key;
  }
}

const LIST_COLUMNS = ['id', 'merchant_id', 'requirement', 'file_name', 'content_type', 'size', 'uploaded_by', 'created_at'] as const;

function documentFromRow(row: Record<string, unknown>): OnboardingDocument {
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    requirement: String(row.requirement),
    fileName: String(row.file_name),
    contentType: String(row.content_type) as DocumentType,
    size: Number(row.size),
    uploadedBy: String(row.uploaded_by),
    createdAt: Number(row.created_at),
  };
}

/** PDF (`%PDF-`), JPEG (FF D8 FF) or PNG (its 8-byte signature); anything else is undefined. */
export function sniffDocumentType(bytes: Buffer): DocumentType | undefined {
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return undefined;
}

/**
 * A name no browser sends for an ordinary file: a path (separators or `..`), control
 * or invisible formatting characters (a right-to-left override can make `exe.pdf`
 * read as `fdp.exe`), or over 200 characters. Refused rather than repaired.
 *
 * @example
 * ```ts
 * isHostileFileName('../../etc/passwd'); // true
 * isHostileFileName('Устав ООО.pdf');     // false
 * ```
 */
export function isHostileFileName(raw: string): boolean {
  return raw.length > 200 || /[\\/]/.test(raw) || raw.includes('..') || /[\p{Cc}\p{Cf}]/u.test(raw);
}

/**
 * The name shown back and offered on download: the last path part only, letters,
 * digits, spaces and `._()-` (any script), at most 100 characters, and the extension
 * of the type the bytes proved. `../../etc/passwd` becomes `passwd.pdf`; an empty
 * result becomes `document.pdf`.
 *
 * @example
 * ```ts
 * safeFileName('Устав <ООО>.exe', 'application/pdf'); // 'Устав _ООО.pdf'
 * ```
 */
export function safeFileName(raw: string, type: DocumentType): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const stem = last
    .normalize('NFC')
    .replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/^[\s._]+|[\s._]+$/g, '')
    .slice(0, 100);
  return `${stem === '' ? 'document' : stem}${EXTENSIONS[type]}`;
}
