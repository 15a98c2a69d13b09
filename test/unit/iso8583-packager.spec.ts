import assert from 'node:assert/strict';
import { localTime } from '@tender/adapter-iso8583/dist/journal/message-times';
import { packPrivateData, unpackPrivateData } from '@tender/adapter-iso8583/dist/packager/private-data';
import { keyCheckValue, macValid, newWorkingKey, openWorkingKey, packWithMac, x919Mac } from '@tender/adapter-iso8583/dist/security/mac';
import {
  ASCII4_DIALECT,
  BCD_TPDU_DIALECT,
  EBCDIC_DIALECT,
  ASCII_DIALECT,
  BCD_DIALECT,
  FrameDecoder,
  IsoPackager,
  PackagerError,
  frame,
  isoMessage,
  rrnOf,
  stanOf,
} from '@tender/adapter-iso8583';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

describe('ISO 8583 packager (no database)', () => {
  it('packs an ASCII 0800 sign-on with a secondary bitmap to hand-computed bytes', () => {
    const message = isoMessage('0800', { 7: '1127054500', 11: '000001', 70: '001' });
    // Primary bitmap: bit 1 (secondary present), 7, 11 -> 82 20 00..; secondary: bit 70 -> 04 00..
    const expected = hex(`${ascii('0800')} 8220000000000000 0400000000000000 ${ascii('1127054500')} ${ascii('000001')} ${ascii('001')}`);
    const packager = new IsoPackager(ASCII_DIALECT);
    assert.deepEqual(packager.pack(message), expected);
    assert.deepEqual(packager.unpack(expected), message);
  });

  it('packs a BCD 0100 (packed digits, BCD length prefix, odd lengths padded left) to hand-computed bytes', () => {
    const message = isoMessage('0100', { 2: '4242424242424242', 3: '000000', 4: '000000001000', 11: '000123', 22: '012', 41: 'T0000001', 49: '643' });
    const expected = hex(`0100 7020040000808000 16 4242424242424242 000000 000000001000 000123 0012 ${ascii('T0000001')} 0643`);
    const packager = new IsoPackager(BCD_DIALECT);
    assert.deepEqual(packager.pack(message), expected);
    assert.deepEqual(packager.unpack(expected), message);
  });

  it('packs an ASCII LLVAR with an odd-length PAN, and pads fixed fields', () => {
    const packager = new IsoPackager(ASCII_DIALECT);
    const bytes = packager.pack(isoMessage('0200', { 2: '2200000000000000004', 4: '1000', 41: 'T1' }));
    // Bitmap: 2, 4 -> 0x50; 41 -> byte 5 = 0x80.
    assert.deepEqual(
      bytes,
      hex(`${ascii('0200')} 5000000000800000 ${ascii('19')}${ascii('2200000000000000004')} ${ascii('000000001000')} ${ascii('T1      ')}`),
    );
    assert.equal(packager.unpack(bytes).fields.get(2), '2200000000000000004');
  });

  it('round-trips with a hex (ASCII) bitmap dialect', () => {
    const packager = new IsoPackager({ ...ASCII_DIALECT, name: 'hex-bitmap', bitmap: 'hex' });
    const message = isoMessage('0400', { 4: '000000005000', 11: '000777', 90: `01000001231127054500${'0'.repeat(22)}` });
    const bytes = packager.pack(message);
    // Bits 1 (secondary) and 4 -> 0x90, 11 -> 0x20; secondary bitmap: bit 90 -> byte 3 = 0x40.
    assert.equal(bytes.subarray(4, 36).toString('latin1'), '90200000000000000000004000000000');
    assert.deepEqual(packager.unpack(bytes), message);
  });

  it('reads every field of the 1987 table, those the dialect does not name included, and keeps them', () => {
    // Fields Tender does not send: 25 (n2), 28 (x+n 8), 32 (LLVAR n..11), 35 (track 2, z..37), 44 (LLVAR), 48 (LLLVAR), 102 (LLVAR ans..28).
    const message = isoMessage('0110', {
      11: '000042',
      25: '59',
      28: 'D00000150',
      32: '12345678901',
      35: '4242424242424242=2812',
      39: '00',
      41: 'T0000001',
      44: 'EXTRA',
      48: 'PRIVATE',
      102: '40817810000000000001',
    });
    for (const dialect of [ASCII_DIALECT, BCD_DIALECT]) {
      const packager = new IsoPackager(dialect);
      assert.deepEqual(packager.unpack(packager.pack(message)), message, dialect.name);
    }
    // By hand, ASCII: field 32 as LL + digits, field 28 as sign + 8 digits.
    const bytes = new IsoPackager(ASCII_DIALECT).pack(isoMessage('0110', { 28: 'C00000001', 32: '123456' }));
    // Bitmap: bit 28 -> byte 3 = 0x10; bit 32 -> byte 3 |= 0x01.
    assert.deepEqual(bytes, hex(`${ascii('0110')} 0000001100000000 ${ascii('C00000001')} ${ascii('06123456')}`));
  });

  it('unpacks a truncated message as far as it goes, so its STAN can be answered', () => {
    const packager = new IsoPackager(ASCII_DIALECT);
    const whole = packager.pack(isoMessage('0100', { 3: '000000', 11: '000777', 41: 'T0000001', 42: 'M1' }));
    const partial = packager.unpackPartial(whole.subarray(0, whole.length - 4));
    assert.equal(partial.mti, '0100');
    assert.equal(partial.fields.get(11), '000777');
    assert.equal(partial.fields.get(41), 'T0000001');
    assert.ok(partial.error instanceof PackagerError);
  });

  it('refuses malformed input with a PackagerError that never quotes the data', () => {
    const packager = new IsoPackager(ASCII_DIALECT);
    const good = packager.pack(isoMessage('0100', { 2: '4242424242424242', 4: '1000' }));
    const cases = [
      good.subarray(0, good.length - 3),
      Buffer.concat([good, Buffer.from('x')]),
      Buffer.from('GARBAGE 4242424242424242', 'latin1'),
      Buffer.alloc(0),
    ];
    for (const bytes of cases) {
      assert.throws(
        () => packager.unpack(bytes),
        (e: unknown) => e instanceof PackagerError && !e.message.includes('4242424242424242'),
      );
    }
    assert.throws(() => packager.pack(isoMessage('0100', { 2: '42424242424242424242' })), PackagerError);
    assert.throws(() => packager.pack(isoMessage('0100', { 4: '12a' })), PackagerError);
    assert.throws(() => packager.pack(isoMessage('0100', { 129: '1' })), PackagerError);
  });

  it("writes fields 12/13 in the card acceptor's local time, not UTC", () => {
    assert.deepEqual(localTime(Date.UTC(2026, 10, 27, 22, 30, 5), 'Europe/Moscow'), { time: '013005', date: '1128' });
    assert.deepEqual(localTime(Date.UTC(2026, 0, 1, 3, 0, 0), 'America/New_York'), { time: '220000', date: '1231' });
  });

  it('packs card-not-present data (CVV2 presence, ECI, CAVV) as tag, length, value', () => {
    assert.equal(packPrivateData({ CV: '1123', EC: '05', CA: undefined }), 'CV041123EC0205');
    assert.equal(packPrivateData({ CV: undefined }), undefined);
    assert.deepEqual(unpackPrivateData('CV019EC0205CA28AAABBEg0VhI0VniQEjRWAAAAAAA='), { CV: '9', EC: '05', CA: 'AAABBEg0VhI0VniQEjRWAAAAAAA=' });
    assert.equal(unpackPrivateData('CV99'), undefined);
  });

  it('packs EBCDIC (code page 037) text and digits to hand-computed bytes', () => {
    const packager = new IsoPackager(EBCDIC_DIALECT);
    const message = isoMessage('0800', { 11: '000001', 41: 'Tz 1    ', 70: '301' });
    // MTI F0F8F0F0; bitmap: 1, 11 -> 80 20, 41 -> byte 5 = 80; secondary: 70 -> 04.
    const expected = hex(`F0F8F0F0 8020000000800000 0400000000000000 F0F0F0F0F0F1 E3A940F140404040 F3F0F1`);
    assert.deepEqual(packager.pack(message), expected);
    assert.deepEqual(packager.unpack(expected), message);
  });

  it('puts a TPDU before the MTI and pads an odd BCD PAN with a trailing F', () => {
    const packager = new IsoPackager(BCD_TPDU_DIALECT);
    const message = isoMessage('0100', { 2: '2200000000000000004', 11: '000123' });
    const expected = hex(`6000010000 0100 4020000000000000 19 2200000000000000004F 000123`);
    assert.deepEqual(packager.pack(message), expected);
    assert.deepEqual(packager.unpack(expected), { ...message, tpdu: '6000010000' });
    // The same PAN in the default BCD dialect: leading 0.
    assert.deepEqual(new IsoPackager(BCD_DIALECT).pack(isoMessage('0100', { 2: '2200000000000000004' })).subarray(10), hex('19 02200000000000000004'));
  });

  it('frames with a 4-digit ASCII length header when the dialect says so', () => {
    assert.equal(ASCII4_DIALECT.lengthHeader, 'ascii4');
    const framed = frame(Buffer.from('hello'), 'ascii4');
    assert.deepEqual(framed, Buffer.from('0005hello', 'latin1'));
    const decoder = new FrameDecoder('ascii4');
    assert.deepEqual(decoder.push(Buffer.concat([framed, framed.subarray(0, 6)])), [Buffer.from('hello')]);
    assert.deepEqual(decoder.push(framed.subarray(6)), [Buffer.from('hello')]);
    assert.throws(() => new FrameDecoder('ascii4').push(Buffer.from('00x5hello')), /non-digits/);
  });

  it('MACs with X9.19 under a working key exchanged under the zone master key', () => {
    const key = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');
    // X9.19 with both halves equal is the single-DES CBC-MAC (X9.9); the DES known answer: key 01..01 on zeros.
    const ones = Buffer.from('01010101010101010101010101010101', 'hex');
    assert.equal(x919Mac(ones, Buffer.alloc(8)).toString('hex').toUpperCase(), '8CA64DE9C1B123A7');
    const data = Buffer.from('Now is the time for all ', 'latin1');
    const mac = x919Mac(key, data);
    assert.equal(mac.length, 8);
    assert.notDeepEqual(x919Mac(key, Buffer.from('Now is the time for all!', 'latin1')), mac, 'one byte changes the MAC');
    assert.equal(keyCheckValue(ones), '8CA64D');
    const issued = newWorkingKey(key);
    assert.deepEqual(openWorkingKey(key, issued.underZmk, issued.kcv), issued.clear);
    assert.equal(
      openWorkingKey(Buffer.from('FEDCBA98765432100123456789ABCDEF', 'hex'), issued.underZmk, issued.kcv),
      undefined,
      'another zone master key fails the check value',
    );
    for (const dialect of [ASCII_DIALECT, BCD_TPDU_DIALECT]) {
      const packager = new IsoPackager(dialect);
      for (const message of [isoMessage('0200', { 4: '1000', 11: '000001', 41: 'T1' }), isoMessage('0400', { 11: '000002', 90: '0'.repeat(42) })]) {
        const bytes = packWithMac(packager, message, issued.clear);
        const unpacked = packager.unpack(bytes);
        assert.ok(unpacked.fields.has(message.fields.has(90) ? 128 : 64), "the MAC sits in the last bitmap's last field");
        assert.equal(macValid(packager, bytes, unpacked, issued.clear), true);
        const tampered = Buffer.from(bytes);
        tampered[tampered.length - 12] ^= 1;
        assert.equal(macValid(packager, tampered, packager.unpack(tampered), issued.clear), false);
      }
    }
  });

  it('frames with a 2-byte length header and reassembles split and joined frames', () => {
    const a = frame(Buffer.from('hello'));
    const b = frame(Buffer.from('world!'));
    assert.deepEqual(a, hex(`0005 ${ascii('hello')}`));
    const decoder = new FrameDecoder();
    const joined = Buffer.concat([a, b]);
    assert.deepEqual(decoder.push(joined.subarray(0, 3)), []);
    assert.deepEqual(decoder.push(joined.subarray(3, 9)).map(String), ['hello']);
    assert.deepEqual(decoder.push(joined.subarray(9)).map(String), ['world!']);
  });

  it('numbers STANs 000001..999999 and RRNs with the day of the year', () => {
    assert.equal(stanOf(1), '000001');
    assert.equal(stanOf(999_999), '999999');
    assert.equal(stanOf(1_000_000), '000001');
    assert.equal(rrnOf(42, new Date(Date.UTC(2026, 10, 27, 5, 45))), '633100000042');
  });
});
