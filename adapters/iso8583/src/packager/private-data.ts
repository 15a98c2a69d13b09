/**
 * Card-not-present and card-on-file data in a dialect's private field (48 by default) as a list of
 * tag (2 characters) + length (2 digits) + value:
 *
 * | tag | value |
 * |---|---|
 * | `CV` | CVV2 presence indicator (`1` present, then the value; `9` not provided by the cardholder) |
 * | `EC` | ECI from 3-D Secure (2 digits) |
 * | `CA` | CAVV/AAV from 3-D Secure (base64, up to 40 characters) |
 * | `SC` | stored credential: initiator `C`/`M`, sequence `F`/`S`, reason `R`/`U`/`0` (card-on-file.ts) |
 * | `OR` | the first payment's network reference, on a stored credential used again (1-40 printable) |
 * | `NR` | in an approval: the network reference of this payment (the simulator's: 15 digits) |
 *
 * @example
 * ```ts
 * packPrivateData({ CV: '1123', EC: '05' }); // 'CV041123EC0205'
 * ```
 */
export function packPrivateData(tags: Readonly<Record<string, string | undefined>>): string | undefined {
  let out = '';
  for (const [tag, value] of Object.entries(tags)) {
    if (value === undefined) continue;
    if (!/^[A-Z0-9]{2}$/.test(tag) || value.length > 99) throw new Error(`private data tag ${tag} is malformed or too long`);
    out += `${tag}${String(value.length).padStart(2, '0')}${value}`;
  }
  return out === '' ? undefined : out;
}

/** The tags of a private field; undefined when it does not parse (never quotes the data: it may hold a CVV2). */
export function unpackPrivateData(text: string): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const tag = text.slice(at, at + 2);
    const length = Number(text.slice(at + 2, at + 4));
    if (!/^[A-Z0-9]{2}$/.test(tag) || !Number.isInteger(length) || at + 4 + length > text.length) return undefined;
    tags[tag] = text.slice(at + 4, at + 4 + length);
    at += 4 + length;
  }
  return tags;
}
