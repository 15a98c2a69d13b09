import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { DOCUMENT_MAX_BYTES } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { COMPANY, OperatorClient, apply } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { WebAgent, createMerchantUser, operatorAgent, signInAgent } from '../support/web-session';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('a charter, in clear, to look for at rest'), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

/** A merchant in stage bank_chosen (set up through the API: the journey itself is the e2e spec's) with its owner signed in to the dashboard. */
async function merchantWithBank(t: TestGateway, name: string): Promise<{ id: string; owner: WebAgent }> {
  const m = await apply(t.gateway.app, name, `${name.toLowerCase().replace(/\W+/g, '-')}@shop.example`);
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${m.key}`);
  await auth(request(t.gateway.app).post('/v1/account/registration')).send(COMPANY).expect(200);
  await auth(request(t.gateway.app).post('/v1/account/bank')).send({ bank: 'standin' }).expect(200);
  return { id: m.id, owner: await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: m.id, role: 'owner' })) };
}

describe('onboarding documents: limits, sealing and isolation', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let a: { id: string; owner: WebAgent };
  let b: { id: string; owner: WebAgent };
  const count = async (): Promise<number> => Number((await t.gateway.db('onboarding_documents').count({ n: '*' }).first())?.n ?? 0);
  const upload = (web: WebAgent, file: Buffer, name: string, requirement = 'charter', contentType = 'application/pdf'): request.Test =>
    web.agent.post(`/dashboard/onboarding/documents?_csrf=${web.csrf}`).field('requirement', requirement).attach('file', file, { filename: name, contentType });

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter())] });
    await new OperatorClient(t.gateway.app)
      .post('/admin/v1/banks', { code: 'standin', name: 'Stand-in Bank', adapter_code: 'standin-bank', currencies: ['RUB'] })
      .expect(201);
    a = await merchantWithBank(t, 'Docs Shop A');
    b = await merchantWithBank(t, 'Docs Shop B');
  });
  after(() => t.close());

  it('stores a PDF sealed at rest, lists it and gives it back to its owner as a download', async () => {
    await upload(a.owner, PDF, 'Устав ООО.pdf').expect(303);
    const row = await t.gateway.db('onboarding_documents').where({ merchant_id: a.id }).first();
    assert.equal(row!.file_name, 'Устав ООО.pdf');
    assert.equal(row!.content_type, 'application/pdf');
    assert.ok(!Buffer.from(row!.sealed).includes(Buffer.from('a charter, in clear')), 'the content is not in the database in clear');
    const page = await a.owner.agent.get('/dashboard/onboarding').expect(200);
    assert.match(page.text, new RegExp(`/dashboard/onboarding/documents/${row!.id}`));
    const download = await a.owner.agent
      .get(`/dashboard/onboarding/documents/${row!.id}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    assert.ok((download.body as Buffer).equals(PDF));
    assert.match(String(download.headers['content-disposition']), /^attachment; /);
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
  });

  it('refuses a file over 10 MB, writing nothing', async () => {
    const before = await count();
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(DOCUMENT_MAX_BYTES, 0x20)]);
    const res = await upload(a.owner, big, 'big.pdf');
    assert.equal(res.status, 413);
    assert.match(res.text, /document_too_large/);
    assert.equal(await count(), before);
  });

  it('refuses a file whose bytes are not PDF, JPEG or PNG whatever its name and claimed type, writing nothing', async () => {
    const before = await count();
    for (const [bytes, name, type] of [
      [Buffer.from('MZ\x90\x00 a Windows program'), 'invoice.pdf', 'application/pdf'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'photo.png', 'image/png'],
      [Buffer.from('GIF89a......'), 'scan.jpg', 'image/jpeg'],
    ] as const) {
      const res = await upload(a.owner, Buffer.from(bytes), name, 'charter', type);
      assert.equal(res.status, 415, name);
      assert.match(res.text, /document_type_unsupported/);
    }
    assert.equal(await count(), before);
  });

  /** A multipart body written by hand: the form-data library trims paths from file names, a hostile client does not. */
  const rawUpload = (web: WebAgent, file: Buffer, name: string): request.Test => {
    const boundary = 'tender-test-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="requirement"\r\n\r\ncharter\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return web.agent.post(`/dashboard/onboarding/documents?_csrf=${web.csrf}`).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
  };

  it('refuses hostile file names, writing nothing, and escapes odd ones', async () => {
    const before = await count();
    for (const name of ['../../etc/passwd.pdf', '..\\..\\boot.ini.pdf', 'invoice\u202Efdp.exe.pdf', 'a\u0000b.pdf', `${'x'.repeat(201)}.pdf`]) {
      const res = await rawUpload(a.owner, PDF, name);
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.match(res.text, /document_name_invalid/);
    }
    assert.equal(await count(), before);
    await upload(a.owner, PNG, '<img src=x onerror=alert(1)>.png', 'director_id', 'image/png').expect(303);
    const row = await t.gateway.db('onboarding_documents').where({ merchant_id: a.id, requirement: 'director_id' }).first();
    assert.equal(row!.file_name, 'img src_x onerror_alert(1).png');
    assert.doesNotMatch((await a.owner.agent.get('/dashboard/onboarding').expect(200)).text, /<img src=x/);
  });

  it('refuses an unknown requirement, a support user, an upload without the CSRF token, and a merchant not preparing its contract', async () => {
    const before = await count();
    assert.match((await upload(a.owner, PDF, 'x.pdf', 'not_a_requirement').expect(400)).text, /parameter_invalid/);
    const support = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: a.id, role: 'support' }));
    await upload(support, PDF, 'x.pdf').expect(403);
    await a.owner.agent
      .post('/dashboard/onboarding/documents')
      .field('requirement', 'charter')
      .attach('file', PDF, { filename: 'x.pdf', contentType: 'application/pdf' })
      .expect(403);
    const fresh = await apply(t.gateway.app, 'Fresh Shop', 'fresh@shop.example');
    const freshOwner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: fresh.id, role: 'owner' }));
    assert.equal((await upload(freshOwner, PDF, 'x.pdf').expect(409)).status, 409);
    assert.equal(await count(), before);
  });

  it("keeps merchants apart: B cannot fetch A's document; the operator can, under A only", async () => {
    const doc = await t.gateway.db('onboarding_documents').where({ merchant_id: a.id }).first();
    await b.owner.agent.get(`/dashboard/onboarding/documents/${doc!.id}`).expect(404);
    assert.doesNotMatch((await b.owner.agent.get('/dashboard/onboarding').expect(200)).text, new RegExp(doc!.id));
    const op = await operatorAgent(t);
    await op.agent.get(`/console/merchants/${a.id}/documents/${doc!.id}`).expect(200);
    const read = await t.gateway.db('audit_log').where({ action: 'merchant.document_read', merchant_id: a.id }).first();
    assert.match(read!.data, new RegExp(doc!.id), "the operator's reading is audited");
    await op.agent.get(`/console/merchants/${b.id}/documents/${doc!.id}`).expect(404);
    assert.match((await op.agent.get(`/console/merchants/${a.id}`).expect(200)).text, new RegExp(`/documents/${doc!.id}`));
    // A dashboard session is not an operator: the console refuses it.
    const refused = await b.owner.agent.get(`/console/merchants/${a.id}/documents/${doc!.id}`);
    assert.notEqual(refused.status, 200);
  });
});
