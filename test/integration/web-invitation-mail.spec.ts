import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { SmtpSink } from '../support/smtp-sink';
import { eventually } from '../support/webhook-receiver';
import { WEB_PASSWORD, csrfOf, merchantAgent, postSignin } from '../support/web-session';

const FAST_MAIL = { TENDER_NOTIFY_POLL_MS: '20', TENDER_EMAIL_RETRY_BASE_MS: '20', TENDER_EMAIL_RETRY_MAX_MS: '100' };

describe('web shell: the invitation e-mail through a real SMTP server', function () {
  this.timeout(30_000);
  let t: TestGateway;
  let smtp: SmtpSink;

  before(async () => {
    smtp = await new SmtpSink().start();
    t = await startTestGateway({ env: { ...FAST_MAIL, TENDER_SMTP_URL: smtp.url(), TENDER_MAIL_FROM: 'Tender <no-reply@pay.tender.test>' } });
    t.gateway.startBackgroundJobs();
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it("sends the invitation in the inviting owner's language, and its link sets the password once", async () => {
    const owner = await merchantAgent(t, { role: 'owner' });
    await owner.agent.get('/dashboard/team?lang=ru').expect(200);
    await owner.agent.post('/dashboard/team').type('form').send({ _csrf: owner.csrf, email: 'helper@shop.example', role: 'support' }).expect(303);
    await eventually(async () => smtp.messages.length === 1, 'the invitation');
    const mail = smtp.messages[0];
    assert.equal((mail.to as { text: string }).text, 'helper@shop.example');
    assert.equal(mail.subject, 'Пароль для панели Tender');
    const url = /(http:\/\/pay\.tender\.test\/dashboard\/password\/[0-9A-Za-z]{32})/.exec(mail.text ?? '')?.[1];
    assert.ok(url !== undefined, mail.text);
    assert.match(String(mail.html), new RegExp(`href="${url}"`));
    const agent = request.agent(t.gateway.app);
    const linkPath = new URL(url).pathname;
    const form = await agent.get(linkPath).expect(200);
    await agent
      .post(linkPath)
      .type('form')
      .send({ _csrf: csrfOf(form.text), password: WEB_PASSWORD, password_again: WEB_PASSWORD })
      .expect(303);
    assert.equal((await postSignin(request.agent(t.gateway.app), 'dashboard', 'helper@shop.example', WEB_PASSWORD)).status, 303);
    await request(t.gateway.app).get(linkPath).expect(400);
  });
});
