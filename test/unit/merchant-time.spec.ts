import assert from 'node:assert/strict';
import { formatInZone, isHostileFileName, isTimeZone, safeFileName, sniffDocumentType } from '@tender/core';

describe("dates in the merchant's time zone and language", () => {
  const at = Date.UTC(2026, 11, 4, 21, 30);

  it('shows the wall clock of the zone, named, never an ISO timestamp', () => {
    assert.equal(formatInZone(at, 'Europe/Moscow', 'ru'), '5 декабря 2026 г. в 00:30 (Europe/Moscow)');
    assert.equal(formatInZone(at, 'UTC', 'en'), '4 December 2026 at 21:30 (UTC)');
    const ar = formatInZone(at, 'Asia/Dubai', 'ar');
    assert.match(ar, /5 ديسمبر 2026/);
    assert.match(ar, /01:30 \(Asia\/Dubai\)$/);
    for (const text of [ar, formatInZone(at, 'Asia/Vladivostok', 'ru')]) assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T/);
  });

  it('falls back to UTC for a zone it does not know', () => {
    assert.equal(formatInZone(at, 'Mars/Olympus', 'en'), '4 December 2026 at 21:30 (UTC)');
    assert.equal(isTimeZone('Europe/Moscow'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
    assert.equal(isTimeZone('../../etc/localtime'), false);
    assert.equal(isTimeZone(''), false);
  });
});

describe('document checks', () => {
  it('recognises PDF, JPEG and PNG by their first bytes only', () => {
    assert.equal(sniffDocumentType(Buffer.from('%PDF-1.7 ...')), 'application/pdf');
    assert.equal(sniffDocumentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), 'image/jpeg');
    assert.equal(sniffDocumentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
    assert.equal(sniffDocumentType(Buffer.from('MZ.. a program called file.pdf')), undefined);
    assert.equal(sniffDocumentType(Buffer.from(' %PDF-1.7')), undefined, 'the signature must be at the start');
    assert.equal(sniffDocumentType(Buffer.alloc(0)), undefined);
  });

  it('refuses names that are paths or tricks and tidies the rest', () => {
    for (const name of ['../x.pdf', 'a/b.pdf', 'a\\b.pdf', 'x\u202Efdp.exe', 'tab\there.pdf', 'z'.repeat(201)])
      assert.equal(isHostileFileName(name), true, JSON.stringify(name));
    assert.equal(isHostileFileName('Устав ООО «Ромашка» №1.pdf'), false);
    assert.equal(safeFileName('Устав ООО «Ромашка» №1.PDF', 'application/pdf'), 'Устав ООО _Ромашка_ _1.pdf');
    assert.equal(safeFileName('scan.exe', 'image/png'), 'scan.png', 'the extension follows the bytes');
    assert.equal(safeFileName('...', 'image/jpeg'), 'document.jpg');
  });
});
