import assert from 'node:assert/strict';
import express, { Request } from 'express';
import request from 'supertest';
import { COOKIE_LIMITS, clearWebCookie, parseCookieHeader, readCookie, setWebCookie, tokensMatch } from '@tender/core';

/** The one cookie parser and writer (core/src/http/cookies.ts): every Cookie header is hostile. */
describe('cookies: the one parser', () => {
  it('reads plain, quoted and percent-encoded values', () => {
    const jar = parseCookieHeader('a=1;  b = two ; c="quoted"; d=%C3%A9t%C3%A9; e=');
    assert.equal(jar.get('a'), '1');
    assert.equal(jar.get('b'), 'two');
    assert.equal(jar.get('c'), 'quoted');
    assert.equal(jar.get('d'), 'été');
    assert.equal(jar.get('e'), '');
  });

  it('skips malformed pairs and broken encodings without throwing', () => {
    const jar = parseCookieHeader('=nameless; novalue; b@d=x; [x]=1; sp ace=1; caf\u00e9=1; ok=1; broken=%E0%A4%A; also=%zz; ;;; last=2');
    assert.deepEqual(
      [...jar.entries()],
      [
        ['ok', '1'],
        ['last', '2'],
      ],
    );
    assert.equal(parseCookieHeader(undefined).size, 0);
    assert.equal(parseCookieHeader('').size, 0);
    assert.equal(parseCookieHeader(';;;===;').size, 0);
  });

  it('reads a name sent twice with different values as absent (cookie tossing), the same value twice as that value', () => {
    const jar = parseCookieHeader('tender_dashboard_session=attacker; x=1; tender_dashboard_session=victim');
    assert.equal(jar.has('tender_dashboard_session'), false);
    assert.equal(jar.get('x'), '1');
    assert.equal(parseCookieHeader('a=1; a=1').get('a'), '1');
    // Encoded and plain spellings of the same value are the same value.
    assert.equal(parseCookieHeader('a=%41; a=A').get('a'), 'A');
    assert.equal(parseCookieHeader('a=1; a=2; a=1').has('a'), false);
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const jar = parseCookieHeader('__proto__=polluted; constructor=x; hasOwnProperty=y');
    assert.equal(jar.get('__proto__'), 'polluted');
    assert.equal(jar.get('constructor'), 'x');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(parseCookieHeader('a=1').get('constructor'), undefined);
  });

  it('reads a huge header only up to its limits', () => {
    const pairs = Array.from({ length: 1000 }, (_, i) => `c${i}=${i}`).join('; ');
    const jar = parseCookieHeader(pairs);
    assert.ok(jar.size <= COOKIE_LIMITS.pairs);
    assert.equal(jar.get('c0'), '0');
    assert.equal(jar.has('c999'), false);
    const padded = parseCookieHeader(`pad=${'x'.repeat(COOKIE_LIMITS.headerChars)}; late=1`);
    assert.equal(padded.has('late'), false);
    assert.equal(padded.has('pad'), true, 'a value cut at the limit is still a value');
    const early = parseCookieHeader(`early=1; pad=${'%'.repeat(100_000)}`);
    assert.equal(early.get('early'), '1');
    assert.equal(early.has('pad'), false);
  });

  it('reads from the request header', () => {
    const req = { headers: { cookie: 'tender_web_lang=ar' } } as unknown as Request;
    assert.equal(readCookie(req, 'tender_web_lang'), 'ar');
    assert.equal(readCookie(req, 'other'), undefined);
  });

  it('compares tokens in constant time and never matches an empty one', () => {
    assert.equal(tokensMatch('abc', 'abc'), true);
    assert.equal(tokensMatch('abc', 'abd'), false);
    assert.equal(tokensMatch('abc', 'abcd'), false);
    assert.equal(tokensMatch('', ''), false);
    assert.equal(tokensMatch('é', 'e\u0301'), false);
  });
});

describe('cookies: the one writer', () => {
  const app = express();
  app.get('/set', (req, res) => {
    setWebCookie(req, res, 'plain', 'v a;l', { publicUrl: 'http://gw.example', path: '/area' });
    setWebCookie(req, res, 'strict', '1', { publicUrl: 'https://gw.example', path: '/signup', sameSite: 'strict', maxAgeMs: 60_000 });
    res.end();
  });
  app.get('/clear', (req, res) => {
    clearWebCookie(req, res, 'strict', { publicUrl: 'https://gw.example', path: '/signup', sameSite: 'strict', maxAgeMs: 60_000 });
    res.end();
  });

  it('writes HttpOnly, SameSite, path-scoped cookies, Secure behind an https public URL, values encoded', async () => {
    const res = await request(app).get('/set').expect(200);
    const [plain, strict] = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.match(plain ?? '', /^plain=v%20a%3Bl; Path=\/area; HttpOnly; SameSite=Lax$/);
    assert.match(strict ?? '', /^strict=1; Max-Age=60; Path=\/signup; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('clears a cookie on its own path, already expired (a max age would have kept it)', async () => {
    const res = await request(app).get('/clear').expect(200);
    const [cleared] = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.match(cleared ?? '', /^strict=; Path=\/signup; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict$/);
  });
});
