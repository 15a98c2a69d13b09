import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword } from '@tender/core';
import { WEB_TEMPLATES_DIR, safeNext } from '@tender/dashboard';

type Messages = { [key: string]: string | Messages };
const keysOf = (m: Messages, prefix = ''): string[] =>
  Object.entries(m).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));

function templatesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'assets' || e.name === 'locales' ? [] : templatesUnder(full);
    return e.name.endsWith('.hbs') ? [full] : [];
  });
}

describe('web shell parts (no database)', () => {
  it('hashes passwords with scrypt, recording the parameters, and verifies them', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    assert.equal(scheme, 'scrypt');
    assert.deepEqual([Number(n), Number(r), Number(p)], [SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p]);
    assert.equal(Buffer.from(salt ?? '', 'base64').length, SCRYPT_PARAMS.saltLength);
    assert.equal(Buffer.from(hash ?? '', 'base64').length, SCRYPT_PARAMS.keyLength);
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
    assert.notEqual(await hashPassword('correct horse battery staple'), stored, 'a new salt every time');
    assert.equal(needsRehash(stored), false);
  });

  it('asks to upgrade a hash with cheaper parameters, and refuses malformed or absurd ones', async () => {
    const stored = await hashPassword('an older passphrase');
    const older = stored.replace(`scrypt$${SCRYPT_PARAMS.N}$`, `scrypt$${SCRYPT_PARAMS.N / 2}$`);
    assert.equal(needsRehash(older), true);
    // The parameters are part of the hash: the same password under another cost does not match.
    assert.equal(await verifyPassword('an older passphrase', older), false);
    assert.equal(
      await verifyPassword('x', 'scrypt$999999999$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='),
      false,
      'absurd costs are refused',
    );
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
  });

  it('only lets `next` lead inside the area', () => {
    assert.equal(safeNext('/dashboard/payments?status=captured', '/dashboard'), '/dashboard/payments?status=captured');
    for (const evil of [
      'https://evil.example/',
      '//evil.example',
      '/dashboardx',
      '/console/',
      '/dashboard//evil.example',
      '/dashboard/\\evil',
      42,
      undefined,
    ]) {
      assert.equal(safeNext(evil, '/dashboard'), '/dashboard', String(evil));
    }
  });

  it('has every shell, dashboard and console text in en, ru and ar', () => {
    const localesDir = path.join(WEB_TEMPLATES_DIR, 'locales');
    for (const area of fs.readdirSync(localesDir)) {
      const read = (l: string): string[] => keysOf(JSON.parse(fs.readFileSync(path.join(localesDir, area, `${l}.json`), 'utf8')) as Messages).sort();
      const en = read('en');
      for (const l of ['ru', 'ar']) assert.deepEqual(read(l), en, `${area}/${l}.json has the keys of ${area}/en.json`);
    }
  });

  it('finds every literal text key the web templates use in English', () => {
    const localesDir = path.join(WEB_TEMPLATES_DIR, 'locales');
    const known = new Set(
      fs.readdirSync(localesDir).flatMap((area) => keysOf(JSON.parse(fs.readFileSync(path.join(localesDir, area, 'en.json'), 'utf8')) as Messages)),
    );
    const missing: string[] = [];
    for (const file of templatesUnder(WEB_TEMPLATES_DIR)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\{\{t "([^"]+)"/g)) {
        if (!known.has(m[1] ?? '')) missing.push(`${path.relative(WEB_TEMPLATES_DIR, file)}: ${m[1] ?? ''}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
