import assert from 'node:assert/strict';
import { definePlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { merchantAgent, operatorAgent } from '../support/web-session';

/**
 * A plugin's screens (ctx.registerScreen) inside @tender/dashboard: in the
 * navigation of their area, behind its sign-in, roles checked on the server, and
 * the fragment inside the shell's layout.
 */
/** What the payouts screen's submit was given, in order. */
const submissions: Array<{ merchantId: string | undefined; form: Record<string, string> }> = [];

const screensPlugin = definePlugin({
  name: '@acme/tender-screens',
  version: '1.0.0',
  coreRange: '^0.1.0',
  setup(ctx) {
    ctx.registerScreen({
      area: 'console',
      path: '/acme-transfers',
      title: 'Acme transfers',
      render: ({ viewer, query }) => `<p id="acme-viewer">${viewer.realm}:${viewer.role}</p><p id="acme-q">${(query.q ?? '').replace(/[^a-z0-9]/gi, '')}</p>`,
    });
    ctx.registerScreen({
      area: 'dashboard',
      path: '/acme-payouts',
      title: 'Acme payouts',
      roles: ['owner'],
      render: ({ viewer, query, csrfToken }) =>
        `<p id="acme-merchant">${viewer.merchantId ?? ''}</p><p id="acme-done">${(query.done ?? '').replace(/[^a-z0-9]/gi, '')}</p>` +
        `<form method="post"><input type="hidden" name="_csrf" value="${csrfToken}"><input name="amount"></form>`,
      submit: ({ viewer, form }) => {
        submissions.push({ merchantId: viewer.merchantId, form: { ...form } });
        return form.show === 'once' ? { html: '<p id="acme-once">shown once</p>', status: 201 } : { query: { done: 'yes' } };
      },
    });
  },
});

describe('plugin screens in the dashboard and the console', function () {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, screensPlugin] });
  });
  after(() => t.close());

  it('lists a console screen in the navigation and renders it for an operator', async () => {
    const web = await operatorAgent(t);
    const home = await web.agent.get('/console').expect(200);
    assert.match(home.text, /href="\/console\/acme-transfers"[^>]*>\s*Acme transfers/);
    const page = await web.agent.get('/console/acme-transfers?q=abc').expect(200);
    assert.match(page.text, /<p id="acme-viewer">operator:operator<\/p>/);
    assert.match(page.text, /<p id="acme-q">abc<\/p>/);
    assert.match(page.text, /<h1>Acme transfers<\/h1>/);
  });

  it("needs a sign-in, and checks the screen's roles on the server", async () => {
    const anonymous = await request(t.gateway.app).get('/console/acme-transfers');
    assert.equal(anonymous.status, 303);
    const owner = await merchantAgent(t, { role: 'owner' });
    const mine = await owner.agent.get('/dashboard/acme-payouts').expect(200);
    assert.match(mine.text, /<p id="acme-merchant">mer_/);
    const support = await merchantAgent(t, { role: 'support' });
    const refused = await support.agent.get('/dashboard/acme-payouts');
    assert.equal(refused.status, 403);
    assert.doesNotMatch(refused.text, /acme-merchant/);
    const nav = await support.agent.get('/dashboard').expect(200);
    assert.doesNotMatch(nav.text, /Acme payouts/);
  });

  it("hands a form post to the screen's submit after the CSRF check and the roles, then redirects or shows its answer", async () => {
    const owner = await merchantAgent(t, { role: 'owner' });
    const page = await owner.agent.get('/dashboard/acme-payouts').expect(200);
    assert.match(page.text, new RegExp(`name="_csrf" value="${owner.csrf}"`));
    const before = submissions.length;
    const redirected = await owner.agent
      .post('/dashboard/acme-payouts')
      .type('form')
      .send({ _csrf: owner.csrf, amount: '500', tags: ['a', 'b'] })
      .expect(303);
    assert.equal(redirected.headers.location, '/dashboard/acme-payouts?done=yes');
    assert.deepEqual(submissions.slice(before), [{ merchantId: owner.user.merchantId, form: { amount: '500' } }]);
    const once = await owner.agent.post('/dashboard/acme-payouts').type('form').send({ _csrf: owner.csrf, show: 'once' }).expect(201);
    assert.match(once.text, /<p id="acme-once">shown once<\/p>/);
    const count = submissions.length;
    // No token, a wrong token, a role the screen does not allow: refused before submit runs.
    await owner.agent.post('/dashboard/acme-payouts').type('form').send({ amount: '1' }).expect(403);
    await owner.agent
      .post('/dashboard/acme-payouts')
      .type('form')
      .send({ _csrf: 'x'.repeat(43), amount: '1' })
      .expect(403);
    const support = await merchantAgent(t, { role: 'support', merchantId: owner.user.merchantId });
    await support.agent.post('/dashboard/acme-payouts').type('form').send({ _csrf: support.csrf, amount: '1' }).expect(403);
    assert.equal(submissions.length, count);
    // A screen without submit takes no posts.
    const operator = await operatorAgent(t);
    await operator.agent.post('/console/acme-transfers').type('form').send({ _csrf: operator.csrf }).expect(404);
  });
});
