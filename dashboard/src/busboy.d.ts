/*
 * The part of busboy's API the document upload uses (document-upload.ts), declared
 * here instead of installing @types/busboy: the README's gateway install is held to
 * 250 packages (docs/architecture.md, "Three installs"), and this one type package was
 * the 251st. Shapes as documented in busboy 1.6's README.
 */
declare module 'busboy' {
  import type { IncomingHttpHeaders } from 'node:http';
  import type { Readable, Writable } from 'node:stream';

  namespace busboy {
    interface Limits {
      readonly fieldNameSize?: number;
      readonly fieldSize?: number;
      readonly fields?: number;
      readonly fileSize?: number;
      readonly files?: number;
      readonly parts?: number;
      readonly headerPairs?: number;
    }
    interface Config {
      readonly headers: IncomingHttpHeaders;
      readonly limits?: Limits;
      readonly preservePath?: boolean;
      readonly defParamCharset?: string;
      readonly defCharset?: string;
      readonly highWaterMark?: number;
      readonly fileHwm?: number;
    }
    interface FileInfo {
      readonly filename: string | undefined;
      readonly encoding: string;
      readonly mimeType: string;
    }
    /** A file's bytes; emits 'limit' when fileSize was reached and the rest is dropped. */
    type FileStream = Readable & { readonly truncated: boolean };
    interface Busboy extends Writable {
      on(
        event: 'field',
        listener: (
          name: string,
          value: string,
          info: { readonly nameTruncated: boolean; readonly valueTruncated: boolean; readonly encoding: string; readonly mimeType: string },
        ) => void,
      ): this;
      on(event: 'file', listener: (name: string, stream: FileStream, info: FileInfo) => void): this;
      on(event: 'close' | 'partsLimit' | 'filesLimit' | 'fieldsLimit', listener: () => void): this;
      on(event: 'error', listener: (error: unknown) => void): this;
    }
  }

  function busboy(config: busboy.Config): busboy.Busboy;
  export = busboy;
}
