import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { WEB_PASSWORD, WebAgent, createMerchantUser, csrfOf, merchantAgent, postSignin } from '../support/web-session';

describe('web shell: roles, the team screen and set-password links', function () {
  let t: TestGateway;
  let owner: WebAgent;
  let merchantId: string;

  before(async () => {
    t = await startTestGateway();
    owner = await merchantAgent(t, { role: 'owner' });
    merchantId = owner.user.merchantId ?? '';
  });
  after(() => t.close());

  it('shows the team link to owners only, and refuses support and developers on the server too', async () => {
    assert.match((await owner.agent.get('/dashboard').expect(200)).text, /href="\/dashboard\/team"/);
    for (const role of ['support', 'developer'] as const) {
      const web = await merchantAgent(t, { role, merchantId });
      const home = await web.agent.get('/dashboard').expect(200);
      assert.doesNotMatch(home.text, /href="\/dashboard\/team"/);
      const page = await web.agent.get('/dashboard/team').expect(403);
      assert.match(page.text, /id="forbidden"/);
      const before = Number((await t.gateway.db('web_accounts').count({ n: '*' }).first())?.n);
      await web.agent
        .post('/dashboard/team')
        .type('form')
        .send({ _csrf: web.csrf, email: `sneaky-${role}@example.com`, role: 'owner' })
        .expect(403);
      await web.agent.post(`/dashboard/team/${owner.user.accountId}/remove`).type('form').send({ _csrf: web.csrf }).expect(403);
      await web.agent.post(`/dashboard/team/${web.user.accountId}/role`).type('form').send({ _csrf: web.csrf, role: 'owner' }).expect(403);
      assert.equal(Number((await t.gateway.db('web_accounts').count({ n: '*' }).first())?.n), before);
      assert.equal((await t.gateway.db('web_accounts').where({ id: web.user.accountId }).first())!.role, role);
    }
  });

  it('lets an owner invite a user, who sets a password from the e-mailed link and signs in', async () => {
    await owner.agent.post('/dashboard/team').type('form').send({ _csrf: owner.csrf, email: 'New.Dev@Example.com', role: 'developer' }).expect(303);
    const account = await t.gateway.db('web_accounts').where({ realm: 'merchant', email: 'new.dev@example.com' }).first();
    assert.equal(account!.merchant_id, merchantId);
    assert.equal(account!.role, 'developer');
    assert.equal(account!.password_hash, null);
    const mail = await t.gateway.db('email_outbox').where({ recipient: 'new.dev@example.com', template: 'web_password_link' }).first();
    assert.ok(mail !== undefined, 'the invitation is in the e-mail outbox');
    const url = (JSON.parse(mail.data) as { url: string }).url;
    assert.match(url, /^http:\/\/pay\.tender\.test\/dashboard\/password\/[0-9A-Za-z]{32}$/);
    const linkPath = new URL(url).pathname;
    assert.equal((await t.gateway.db('web_password_links').where({ account_id: account!.id }).first())!.token_hash.length, 64);

    const agent = request.agent(t.gateway.app);
    const form = await agent.get(linkPath).expect(200);
    assert.match(form.text, /new\.dev@example\.com/);
    await agent
      .post(linkPath)
      .type('form')
      .send({ _csrf: csrfOf(form.text), password: 'short', password_again: 'short' })
      .expect(400);
    const again = await agent.get(linkPath).expect(200);
    await agent
      .post(linkPath)
      .type('form')
      .send({ _csrf: csrfOf(again.text), password: WEB_PASSWORD, password_again: WEB_PASSWORD })
      .expect(303);
    // The link works once.
    await request(t.gateway.app).get(linkPath).expect(400);
    assert.equal((await postSignin(request.agent(t.gateway.app), 'dashboard', 'new.dev@example.com', WEB_PASSWORD)).status, 303);
  });

  it('refuses a second account for the same e-mail, changes roles, and keeps the last owner', async () => {
    const res = await owner.agent.post('/dashboard/team').type('form').send({ _csrf: owner.csrf, email: owner.user.email, role: 'support' }).expect(409);
    assert.match(res.text, /already has a dashboard account/);
    const lastOwner = await owner.agent
      .post(`/dashboard/team/${owner.user.accountId}/role`)
      .type('form')
      .send({ _csrf: owner.csrf, role: 'support' })
      .expect(409);
    assert.match(lastOwner.text, /at least one owner/);
    assert.equal((await t.gateway.db('web_accounts').where({ id: owner.user.accountId }).first())!.role, 'owner');
    const support = await createMerchantUser(t, { merchantId, role: 'support' });
    await owner.agent.post(`/dashboard/team/${support.accountId}/role`).type('form').send({ _csrf: owner.csrf, role: 'developer' }).expect(303);
    assert.equal((await t.gateway.db('web_accounts').where({ id: support.accountId }).first())!.role, 'developer');
  });

  it("removes a user and ends their sessions; another merchant's user cannot be touched", async () => {
    const member = await merchantAgent(t, { role: 'support', merchantId });
    await owner.agent.post(`/dashboard/team/${member.user.accountId}/remove`).type('form').send({ _csrf: owner.csrf }).expect(303);
    await member.agent.get('/dashboard').expect(303);
    assert.equal(await t.gateway.db('web_accounts').where({ id: member.user.accountId }).first(), undefined);
    const stranger = await createMerchantUser(t, { role: 'support' });
    await owner.agent.post(`/dashboard/team/${stranger.accountId}/remove`).type('form').send({ _csrf: owner.csrf }).expect(404);
    assert.ok((await t.gateway.db('web_accounts').where({ id: stranger.accountId }).first()) !== undefined);
  });

  it("makes the merchant's registered e-mail its first owner through a set-password link", async () => {
    const res = await request(t.gateway.app)
      .post('/admin/v1/merchants')
      .set('Authorization', 'Bearer adm_test_0123456789abcdefghijklmnop')
      .send({ name: 'Fresh Shop', email: 'Founder@Fresh.example' })
      .expect(201);
    const agent = request.agent(t.gateway.app);
    const form = await agent.get('/dashboard/password-link').expect(200);
    const sent = await agent
      .post('/dashboard/password-link')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: 'founder@fresh.example' })
      .expect(200);
    assert.match(sent.text, /id="link-sent"/);
    const owner = await t.gateway.db('web_accounts').where({ realm: 'merchant', email: 'founder@fresh.example' }).first();
    assert.equal(owner!.merchant_id, res.body.id);
    assert.equal(owner!.role, 'owner');
    // An unknown address gets the same page and creates nothing.
    const form2 = await agent.get('/dashboard/password-link').expect(200);
    const unknown = await agent
      .post('/dashboard/password-link')
      .type('form')
      .send({ _csrf: csrfOf(form2.text), email: 'stranger@nowhere.example' })
      .expect(200);
    assert.match(unknown.text, /id="link-sent"/);
    assert.equal(await t.gateway.db('web_accounts').where({ email: 'stranger@nowhere.example' }).first(), undefined);
  });
});
