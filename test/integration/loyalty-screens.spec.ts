import assert from 'node:assert/strict';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { grantPoints, startLoyaltyGateway } from '../support/loyalty';
import { createMerchantUser, merchantAgent, operatorAgent, signInAgent } from '../support/web-session';

describe('loyalty screens: dashboard settings, member lookup and ledger; console across merchants', function () {
  this.timeout(60_000);
  let t: TestGateway;

  before(async () => {
    t = await startLoyaltyGateway();
  });
  after(() => t?.close());

  it('an owner creates a program; members and their ledger are found by card number, escaped; other merchants see none of it', async () => {
    const merchant = await t.createMerchant('Tea House');
    const shop = new MerchantClient(t.gateway.app, merchant.key);
    const web = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'owner' }));
    await web.agent
      .post('/dashboard/loyalty')
      .type('form')
      .send({ _csrf: web.csrf, name: '<img src=x onerror=alert(1)>', currency: 'RUB', point_value: '100', base_bps: '500', max_redeem_bps: '5000' })
      .expect(303);
    const page = (await web.agent.get('/dashboard/loyalty').expect(200)).text;
    assert.match(page, /&#60;img src=x onerror=alert\(1\)&#62;/);
    assert.equal(page.includes('<img src=x'), false);
    const program = await t.gateway.db('loyalty_programs').where({ merchant_id: web.user.merchantId }).first();
    assert.ok(program !== undefined);
    // A refused form writes nothing.
    const before = Number((await t.gateway.db('loyalty_programs').count({ n: '*' }).first())?.n);
    await web.agent
      .post('/dashboard/loyalty')
      .type('form')
      .send({ _csrf: web.csrf, name: 'x', currency: 'rub', point_value: '0', base_bps: '500', max_redeem_bps: '5000' })
      .expect(303);
    assert.equal(Number((await t.gateway.db('loyalty_programs').count({ n: '*' }).first())?.n), before);

    // A card of this merchant's program, looked up on the members screen.
    const support = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'support' }));
    const other = await merchantAgent(t, { role: 'owner' });
    const number = (await shop.post('/v1/loyalty/cards', { program: program.id }).expect(201)).body.number as string;
    await grantPoints(t.gateway.db, number, 42);
    const lookup = (await support.agent.get(`/dashboard/loyalty-members?number=${number}`).expect(200)).text;
    assert.match(lookup, /id="member-balance">42</);
    assert.match(lookup, /id="member-ledger"/);
    assert.match(lookup, /accrual/);
    // Support may look, not create.
    await support.agent
      .post('/dashboard/loyalty')
      .type('form')
      .send({ _csrf: support.csrf, name: 'Nope', currency: 'RUB', point_value: '100', base_bps: '1', max_redeem_bps: '1' })
      .expect(303);
    assert.equal(await t.gateway.db('loyalty_programs').where({ name: 'Nope' }).first(), undefined);
    // The owner pauses the program and resumes it; another merchant's post changes nothing.
    await web.agent.post('/dashboard/loyalty').type('form').send({ _csrf: web.csrf, action: 'pause', program: program.id }).expect(303);
    assert.equal((await t.gateway.db('loyalty_programs').where({ id: program.id }).first()).status, 'paused');
    await web.agent.post('/dashboard/loyalty').type('form').send({ _csrf: web.csrf, action: 'resume', program: program.id }).expect(303);
    assert.equal((await t.gateway.db('loyalty_programs').where({ id: program.id }).first()).status, 'active');
    const intruder = await merchantAgent(t, { role: 'owner' });
    const refused = await intruder.agent.post('/dashboard/loyalty').type('form').send({ _csrf: intruder.csrf, action: 'pause', program: program.id });
    assert.notEqual(refused.status, 303);
    assert.equal((await t.gateway.db('loyalty_programs').where({ id: program.id }).first()).status, 'active');
    // A payment paid partly with points: the dashboard's payment page shows the order amount and the discount.
    const pay = await shop.createPayment({ amount: 100000 });
    await shop.post(`/v1/payments/${pay.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number, redeem_points: 40 } } }).expect(200);
    const detail = (await web.agent.get(`/dashboard/payments/${pay.id}`).expect(200)).text;
    assert.match(detail, /id="amount-gross"><bdi>[^<]*1[\s\u00a0 ,]?000[.,]00/);
    assert.match(detail, /id="amount-discount"><bdi>[^<]*40[.,]00/);
    // Another merchant finds neither the program nor the card.
    assert.equal((await other.agent.get('/dashboard/loyalty').expect(200)).text.includes(program.id), false);
    assert.match((await other.agent.get(`/dashboard/loyalty-members?number=${number}`).expect(200)).text, /id="member-not-found"/);
  });

  it('the console lists programs across merchants', async () => {
    const op = await operatorAgent(t);
    const html = (await op.agent.get('/console/loyalty').expect(200)).text;
    for (const p of await t.gateway.db('loyalty_programs')) assert.ok(html.includes(String(p.id)), `console shows ${String(p.id)}`);
  });
});
