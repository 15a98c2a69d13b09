/**
 * An ISO 8583:1987 decoder written for the tests from the standard's data element
 * table, independently of the adapter's packager (which it checks): ASCII digits
 * and length prefixes, binary bitmaps, as Tender's `iso8583-1987-ascii` dialect.
 * Each entry is the standard's notation: `n 6` fixed numeric, `n ..19` LLVAR,
 * `ans ...999` LLLVAR, `b 64` binary in bits, `x+n 8` sign and digits, `z ..37` track 2.
 * Fields 46-48 are `an` in the 1987 text; acquirers carry special characters in them
 * (a base64 CAVV), so they are read as `ans`, as most hosts do.
 */
const TABLE = `
2 n ..19|3 n 6|4 n 12|5 n 12|6 n 12|7 n 10|8 n 8|9 n 8|10 n 8|11 n 6|12 n 6|13 n 4|14 n 4|15 n 4|16 n 4|17 n 4|18 n 4|19 n 3|20 n 3|21 n 3|22 n 3|23 n 3|24 n 3|25 n 2|26 n 2|27 n 1
28 x+n 8|29 x+n 8|30 x+n 8|31 x+n 8|32 n ..11|33 n ..11|34 ns ..28|35 z ..37|36 n ...104|37 an 12|38 an 6|39 an 2|40 an 3|41 ans 8|42 ans 15|43 ans 40|44 an ..25|45 an ..76
46 ans ...999|47 ans ...999|48 ans ...999|49 n 3|50 n 3|51 n 3|52 b 64|53 n 16|54 an ...120|55 ans ...999|56 ans ...999|57 ans ...999|58 ans ...999|59 ans ...999|60 ans ...999
61 ans ...999|62 ans ...999|63 ans ...999|64 b 64|65 b 1|66 n 1|67 n 2|68 n 3|69 n 3|70 n 3|71 n 4|72 n 4|73 n 6|74 n 10|75 n 10|76 n 10|77 n 10|78 n 10|79 n 10|80 n 10
81 n 10|82 n 12|83 n 12|84 n 12|85 n 12|86 n 16|87 n 16|88 n 16|89 n 16|90 n 42|91 an 1|92 an 2|93 an 5|94 an 7|95 an 42|96 b 64|97 x+n 16|98 ans 25|99 n ..11|100 n ..11
101 ans ..17|102 ans ..28|103 ans ..28|104 ans ...100|128 b 64`;

interface Element {
  readonly type: string;
  /** 0 fixed, 2 LLVAR, 3 LLLVAR. */
  readonly prefix: 0 | 2 | 3;
  readonly max: number;
}

const ELEMENTS = new Map<number, Element>();
for (const entry of TABLE.split(/[|\n]/)
  .map((e) => e.trim())
  .filter(Boolean)) {
  const [no, type, size] = entry.split(' ') as [string, string, string];
  const dots = /^\.*/.exec(size)![0].length;
  ELEMENTS.set(Number(no), { type, prefix: dots === 0 ? 0 : (dots as 2 | 3), max: Number(size.slice(dots)) });
}
// 105..127: reserved, ans ...999.
for (let f = 105; f <= 127; f++) ELEMENTS.set(f, { type: 'ans', prefix: 3, max: 999 });

export interface DecodedMessage {
  readonly mti: string;
  /** Field number to value (binary fields as upper-case hex). */
  readonly fields: Map<number, string>;
}

/** Decodes one message (without its 2-byte length header); throws on anything the standard does not allow. */
export function decodeIso8583(bytes: Buffer): DecodedMessage {
  let at = 0;
  const take = (n: number): Buffer => {
    if (at + n > bytes.length) throw new Error(`message ends inside an element (needs ${n} bytes at ${at})`);
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const mti = take(4).toString('latin1');
  if (!/^0[1-9][0-9][0-5]$/.test(mti)) throw new Error(`MTI ${mti} is not version 0 (1987)`);
  const bits: number[] = [];
  const readBitmap = (offset: number): void => {
    const map = take(8);
    for (let i = 0; i < 64; i++) if ((map[i >> 3] >> (7 - (i & 7))) & 1) bits.push(offset + i + 1);
  };
  readBitmap(0);
  if (bits[0] === 1) readBitmap(64);
  const fields = new Map<number, string>();
  for (const f of bits) {
    if (f === 1) continue;
    const element = ELEMENTS.get(f);
    if (element === undefined) throw new Error(`field ${f} is not in the standard`);
    const length = element.prefix === 0 ? element.max : Number(take(element.prefix).toString('latin1'));
    if (!Number.isInteger(length) || length > element.max) throw new Error(`field ${f}: length ${length} exceeds ${element.max}`);
    let value: string;
    if (element.type === 'b')
      value = take(element.prefix === 0 ? Math.ceil(length / 8) : length)
        .toString('hex')
        .toUpperCase();
    else if (element.type === 'x+n') value = take(length + 1).toString('latin1');
    else value = take(length).toString('latin1');
    const valid =
      element.type === 'n'
        ? /^\d*$/
        : element.type === 'an'
          ? /^[0-9A-Za-z ]*$/
          : element.type === 'x+n'
            ? /^[CD]\d+$/
            : element.type === 'z'
              ? /^[0-9=]*$/
              : element.type === 'b'
                ? /^[0-9A-F]*$/
                : /^[\x20-\x7e]*$/;
    if (!valid.test(value)) throw new Error(`field ${f} holds characters outside ${element.type}`);
    fields.set(f, value);
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes after the last element`);
  return { mti, fields };
}
