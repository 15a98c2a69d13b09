import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EmailRenderer } from '@tender/core';
import { SCHEDULE_EMAILS, SCHEDULE_EMAIL_DIR, formatDay } from '@tender/plugin-saved-cards/dist/schedules/schedule-mail';

const locales = ['en', 'ru', 'ar'] as const;
const strings = (locale: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(SCHEDULE_EMAIL_DIR, 'locales', `${locale}.json`), 'utf8')) as Record<string, unknown>;

describe('schedule e-mails (no database)', () => {
  const renderer = new EmailRenderer(SCHEDULE_EMAIL_DIR);
  const base = {
    merchant_name: 'Tea Club',
    customer_name: 'Anna',
    amount: '990.00 RUB',
    description: 'Monthly box',
    card: 'visa •••• 4242',
    schedule_id: 'sch_1',
    livemode: true,
  };

  it('has the same texts in English, Russian and Arabic, Arabic right to left, inside the package', () => {
    const keys = (l: string) => Object.fromEntries(Object.values(SCHEDULE_EMAILS).map((t) => [t, Object.keys(strings(l)[t] as object).sort()]));
    for (const l of locales) assert.deepEqual(keys(l), keys('en'), l);
    assert.deepEqual(
      locales.map((l) => strings(l).dir),
      ['ltr', 'ltr', 'rtl'],
    );
    assert.ok(SCHEDULE_EMAIL_DIR.startsWith(path.dirname(require.resolve('@tender/plugin-saved-cards/package.json'))));
    for (const t of Object.values(SCHEDULE_EMAILS))
      for (const kind of ['html', 'txt']) assert.ok(fs.existsSync(path.join(SCHEDULE_EMAIL_DIR, `${t}.${kind}.hbs`)));
  });

  it('announces an upcoming charge with the amount, the date and the card', () => {
    const mail = renderer.render(SCHEDULE_EMAILS.upcoming, 'en', { ...base, charge_date: '31 January 2027' });
    assert.equal(mail.subject, 'Tea Club will charge 990.00 RUB on 31 January 2027');
    for (const part of [mail.text, mail.html]) {
      assert.match(part, /990\.00 RUB/);
      assert.match(part, /visa •••• 4242/);
      assert.match(part, /Monthly box/);
    }
    assert.match(
      renderer.render(SCHEDULE_EMAILS.upcoming, 'ru', { ...base, charge_date: '31 января 2027 г.' }).subject,
      /Tea Club спишет 990\.00 RUB 31 января 2027/,
    );
  });

  it('tells of a failed charge: the retry date, or that the payments stopped', () => {
    const retry = renderer.render(SCHEDULE_EMAILS.failed, 'en', { ...base, reason: 'The card has insufficient funds.', retry_date: '1 February 2027' });
    assert.match(retry.text, /We will try again on 1 February 2027\./);
    assert.doesNotMatch(retry.text, /No more attempts/);
    const stopped = renderer.render(SCHEDULE_EMAILS.failed, 'ar', { ...base, reason: 'The card was declined by the issuing bank.', stopped: true });
    assert.match(stopped.html, /dir="rtl"/);
    assert.match(stopped.text, /لن تكون هناك محاولات أخرى/);
  });

  it('escapes what the merchant wrote in the HTML part', () => {
    const mail = renderer.render(SCHEDULE_EMAILS.upcoming, 'en', {
      ...base,
      merchant_name: '<b>Tea</b>',
      description: '<script>alert(1)</script>',
      charge_date: 'x',
    });
    assert.ok(!mail.html.includes('<script>') && !mail.html.includes('<b>Tea</b>'));
    assert.match(mail.html, /&lt;script&gt;/);
  });

  // Amounts: core's formatAmount, as every page and e-mail writes them (test/unit/amount-format.spec.ts).
  it('writes days in the zone and language', () => {
    const at = Date.UTC(2027, 0, 30, 21);
    assert.equal(formatDay(at, 'Europe/Moscow', 'en'), '31 January 2027');
    assert.equal(formatDay(at, 'UTC', 'en'), '30 January 2027');
    assert.match(formatDay(at, 'Europe/Moscow', 'ru'), /^31 января 2027/);
    assert.match(formatDay(at, 'Asia/Dubai', 'ar'), /31/);
  });
});
