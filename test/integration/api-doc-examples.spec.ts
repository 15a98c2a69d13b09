import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { StatusLink } from '@tender/core/dist/notifications/status-link';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as assistPlugin } from '@tender/plugin-assist-compat';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { curlExamples } from '../support/doc-examples';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..', '..');
const API_MD = path.join(REPO, 'docs', 'api.md');
/** Written by curl -w after the body, so the status is read even when the body goes to a file. */
const STATUS_MARK = '__tender_http_status=';

/**
 * Every curl example of docs/api.md, run as written with the real curl against a
 * real gateway on a loopback port, in the page's order. The page's variables are set
 * as it says: TENDER (the gateway), ADMIN (the operator token), SK (a merchant's
 * secret key). The gateway runs with TENDER_OUTBOUND_ALLOW_PRIVATE=true, as the page
 * says a development gateway does, so the examples' shop on 127.0.0.1:3000 is
 * accepted (nothing listens there: registering only checks the address). Ids in the examples
 * stand for real objects: each id an example's shown answer carries is mapped to the
 * id of the real answer at the same place, and the few the page never creates (a
 * payment to cancel, a status link, a payer-app token) are made first and listed in
 * `stands`. Each command must answer 2xx, or the status or error the page shows.
 */
describe('docs/api.md: every curl example runs as written', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let dir: string;
  const stands = new Map<string, string>();
  const env: Record<string, string> = {};

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, assistPlugin], env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' } });
    const address = await t.gateway.listen(0, '127.0.0.1');
    const merchant = await t.createMerchant('Docs Shop');
    const shop = new MerchantClient(t.gateway.app, merchant.key);
    // What the page's examples presume exists: captured payments to list, one to cancel, one a payer's app pays.
    const captured = [await shop.pay(CARDS.visa), await shop.pay(CARDS.visa)];
    const toCancel = await shop.createPayment();
    const authorized = await shop.pay(CARDS.visa, { capture_method: 'manual' });
    await request(t.gateway.app)
      .post(`/admin/v1/merchants/${merchant.id}/account-payments`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ enabled: true })
      .expect(200);
    const forPayer = await shop.createPayment({ amount: 50000 });
    // The operator has created the CA (docs/certificates.md) and set the shop's Assist credentials (docs/assist-migration.md).
    const admin = (method: 'post' | 'put', url: string, body: object) =>
      request(t.gateway.app)[method](url).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
    await admin('post', '/admin/v1/ca', { common_name: 'Docs CA', organization: 'Tender docs' }).expect(201);
    await admin('put', `/admin/v1/merchants/${merchant.id}/assist`, {
      assist_merchant_id: 700123,
      salt: 'docs-salt',
      login: 'shop_api',
      password: 'correct-horse-9',
      result_url: 'http://127.0.0.1:3000/assist/result',
    }).expect(200);
    const statusUrl = t.gateway.container.resolve(StatusLink).urlFor(captured[0].id);
    stands.set('mer_3UseN5CZ9Ckr', merchant.id);
    stands.set('pay_UYeYPusIST98', captured[0].id);
    stands.set('pay_qh0bfibPGyA0', toCancel.id);
    stands.set('pay_Ra7Kc2mVx9Qe', authorized.id);
    stands.set('Y69TgM2WMoYAaSkJUGQCfyhp4nrG7UzE', String(forPayer.payment_url).split('/').pop()!);
    stands.set('pay_UYeYPusIST98mvfCN3Zaw4r4.GU_Sxq2NiYt_HqsGvTanXvKqIr22e2RD', statusUrl.split('/').pop()!);
    Object.assign(env, { TENDER: `http://127.0.0.1:${address.port}`, ADMIN: ADMIN_TOKEN, SK: merchant.key });
    // The examples run where relative paths (--data @docs/...) resolve and files they write (crl.der) are thrown away.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-doc-examples-'));
    fs.symlinkSync(path.join(REPO, 'docs'), path.join(dir, 'docs'));
  });
  after(async () => {
    await t?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Pairs the page's answer with the real one: an id at the same place in both stands for the real id. */
  function learn(shown: unknown, real: unknown): void {
    if (typeof shown === 'string' && typeof real === 'string') {
      const prefix = /^([a-z]+)_[0-9A-Za-z]{6,}$/.exec(shown)?.[1];
      if (prefix !== undefined && real.startsWith(`${prefix}_`) && !stands.has(shown)) stands.set(shown, real);
    } else if (Array.isArray(shown) && Array.isArray(real)) {
      shown.forEach((s, i) => learn(s, real[i]));
    } else if (shown !== null && typeof shown === 'object' && real !== null && typeof real === 'object') {
      for (const [k, v] of Object.entries(shown)) learn(v, (real as Record<string, unknown>)[k]);
    }
  }

  function substitute(command: string): string {
    let out = command;
    for (const [shown, real] of [...stands].sort(([a], [b]) => b.length - a.length)) out = out.split(shown).join(real);
    return out;
  }

  it('finds the examples', () => {
    assert.ok(curlExamples(fs.readFileSync(API_MD, 'utf8')).length >= 30);
  });

  it('each answers as the page says', async () => {
    const failures: string[] = [];
    for (const example of curlExamples(fs.readFileSync(API_MD, 'utf8'))) {
      // -w only adds the status after the body; the request is the one written.
      const command = substitute(example.command).replace(/^curl /, `curl -w '\\n${STATUS_MARK}%{http_code}\\n' `);
      const { stdout, exit } = await run('bash', ['-c', command], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
        maxBuffer: 4 << 20,
      }).then(
        (r) => ({ stdout: r.stdout, exit: '' }),
        (e: { stdout?: string; message: string }) => ({ stdout: e.stdout ?? '', exit: e.message }),
      );
      const mark = new RegExp(`\\n?${STATUS_MARK}(\\d{3})\\n`).exec(stdout);
      const status = Number(mark?.[1] ?? 0);
      const raw = mark === null ? stdout : stdout.slice(0, mark.index);
      const body = raw.includes('\r\n\r\n') ? raw.slice(raw.indexOf('\r\n\r\n') + 4) : raw;
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const where = `docs/api.md:${example.line}`;
      if (exit !== '') failures.push(`${where}: the command failed: ${exit.slice(0, 300)}`);
      const code = (json as { error?: { code?: string } } | undefined)?.error?.code;
      if (example.errorCode !== undefined) {
        if (code !== example.errorCode) failures.push(`${where}: expected ${example.errorCode}, got ${status} ${body.slice(0, 300)}`);
      } else if (example.status !== undefined ? status !== example.status : !(status >= 200 && status < 300)) {
        failures.push(`${where}: expected ${example.status ?? '2xx'}, got ${status} ${body.slice(0, 300)}`);
      }
      if (example.response !== undefined && json !== undefined) learn(example.response, json);
    }
    assert.deepEqual(failures, []);
  });
});
