import { Request } from 'express';
import busboy from 'busboy';
import { TenderError } from '@tender/core';

/** One uploaded file and the form's text fields, as a browser sent them (hostile until checked). */
export interface ReceivedUpload {
  readonly fields: Readonly<Record<string, string>>;
  readonly file: { readonly name: string; readonly bytes: Buffer } | undefined;
}

/**
 * Reads a multipart/form-data upload of one file of at most `maxBytes`. A larger file
 * (by Content-Length up front, or by counting while it streams) is `document_too_large`
 * and its bytes are dropped as they arrive; a second file, many fields or long field
 * values are cut off by the parser's limits. The file name comes as sent, path and all
 * (preservePath), so the caller can refuse a hostile one instead of silently trimming it.
 * Nothing is written anywhere: the caller decides what to keep.
 *
 * @example
 * ```ts
 * const { fields, file } = await receiveUpload(req, DOCUMENT_MAX_BYTES);
 * ```
 */
export function receiveUpload(req: Request, maxBytes: number): Promise<ReceivedUpload> {
  const declared = Number(req.get('content-length') ?? '0');
  // Multipart framing adds well under 64 KB around a file.
  if (declared > maxBytes + 65_536) return Promise.reject(new TenderError('document_too_large', { param: 'file' }));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        preservePath: true,
        limits: { files: 1, fields: 8, fieldSize: 1024, fileSize: maxBytes, parts: 10 },
      });
    } catch {
      reject(new TenderError('document_type_unsupported', { param: 'file' }));
      return;
    }
    const fields: Record<string, string> = {};
    let file: { name: string; bytes: Buffer } | undefined;
    let tooLarge = false;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!tooLarge) chunks.push(chunk);
      });
      stream.on('limit', () => {
        tooLarge = true;
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!tooLarge) file = { name: info.filename ?? '', bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('error', () => reject(new TenderError('document_type_unsupported', { param: 'file' })));
    parser.on('close', () => (tooLarge ? reject(new TenderError('document_too_large', { param: 'file' })) : resolve({ fields, file })));
    req.pipe(parser);
  });
}
