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
      render: ({ viewer }) => `<p id="acme-merchant">${viewer.merchantId ?? ''}</p>`,
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

  it('needs a sign-in, and checks the screen\'s roles on the server', async () => {
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
});
