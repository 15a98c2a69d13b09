import assert from 'node:assert/strict';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { FixedClock, OnboardingService } from '@tender/core';
import { ApplicationsQueue } from '@tender/dashboard/dist/console/merchant-board';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { COMPANY, OperatorClient } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { operatorAgent } from '../support/web-session';

const HOUR = 3_600_000;

/**
 * The operator's applications queue: stage times written by the stage changes, time in
 * stage in business days of the configured calendar (a weekend and a holiday), the
 * longest wait first. The clock is fixed and moved by hand; nothing here measures speed.
 */
describe('applications queue: time in stage against the one-business-day target', function () {
  this.timeout(60_000);
  // Monday 7 December 2026, 09:00 Moscow (06:00 UTC).
  const clock = new FixedClock(Date.UTC(2026, 11, 7, 6));
  let t: TestGateway;
  let onboarding: OnboardingService;

  before(async () => {
    t = await startTestGateway({
      clock,
      plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter())],
      env: { TENDER_BUSINESS_WEEKEND: 'sat,sun', TENDER_BUSINESS_HOLIDAYS: '2026-12-08', TENDER_BUSINESS_TIME_ZONE: 'Europe/Moscow' },
    });
    await new OperatorClient(t.gateway.app)
      .post('/admin/v1/banks', { code: 'standin', name: 'Stand-in Bank', adapter_code: 'standin-bank', currencies: ['RUB'] })
      .expect(201);
    onboarding = t.gateway.container.resolve(OnboardingService);
  });
  after(() => t.close());

  it('times each stage in its own transaction and sorts by the longest wait in business days', async () => {
    const early = await onboarding.apply({ name: 'Early Shop', email: 'early@shop.example' });
    await onboarding.register(early.id, COMPANY);
    await onboarding.chooseBank(early.id, 'standin'); // Monday 09:00
    const chosen = await t.gateway.db('merchants').where({ id: early.id }).first();
    assert.equal(Number(chosen!.bank_chosen_at), clock.now());

    clock.advance(6 * HOUR); // Monday 15:00
    const later = await onboarding.apply({ name: 'Later Shop', email: 'later@shop.example' });
    await onboarding.register(later.id, COMPANY); // registered Monday 15:00, waits on the operator's approval

    // Tuesday 8 December is a holiday: Wednesday 09:00 is one business day after Monday 09:00.
    clock.advance(42 * HOUR); // Wednesday 09:00
    const idle = await onboarding.apply({ name: 'Idle Shop', email: 'idle@shop.example' });
    clock.advance(2 * 24 * HOUR + 3 * HOUR); // Friday 12:00

    const queue = await t.gateway.container.resolve(ApplicationsQueue).list(clock.now());
    const mine = queue.filter((a) => [early.id, later.id, idle.id].includes(a.id));
    assert.deepEqual(
      mine.map((a) => a.id),
      [early.id, later.id, idle.id],
      'longest wait first',
    );
    const [e, l, i] = mine;
    // Mon 09:00 → Fri 12:00: Mon 15 h + Wed, Thu full + Fri 12 h = 3.125 business days.
    assert.equal(e?.businessDays, 3.125);
    assert.equal(e?.overdue, true);
    assert.equal(l?.businessDays, 2.875);
    assert.equal(l?.overdue, true);
    assert.equal(i?.stage, 'applied');
    assert.equal(i?.overdue, false, 'a merchant in test mode waits on itself');

    // The contract restarts the clock; the page lists the queue with the target.
    await onboarding.approve(early.id);
    await onboarding.recordContract(early.id, { bank_merchant_id: 'BM1', terminal_ids: ['T0000001'] });
    const signed = (await t.gateway.container.resolve(ApplicationsQueue).list(clock.now())).find((a) => a.id === early.id);
    assert.equal(signed?.stage, 'contract_signed');
    assert.equal(signed?.businessDays, 0);
    const op = await operatorAgent(t);
    const html = (await op.agent.get('/console/merchants').expect(200)).text;
    assert.match(html, new RegExp(`<tr data-merchant="${later.id}" class="console-overdue" data-overdue="true">`));
    assert.match(html, /data-business-days="2\.9"/);
    assert.ok(html.indexOf(later.id) < html.indexOf(idle.id), 'the page keeps the order');

    await onboarding.goLive(early.id);
    assert.ok(!(await t.gateway.container.resolve(ApplicationsQueue).list(clock.now())).some((a) => a.id === early.id), 'a live merchant leaves the queue');
  });
});
