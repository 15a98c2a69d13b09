import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { riskRuleProblems } from '@tender/core';
import { CardDailyLimitRule, NumberVelocityRule, NumberingPlan, feeFor, parseRussianMobile } from '@tender/plugin-top-up';

const HEADER = 'АВС/ DEF;От;До;Емкость;Оператор;Регион;ИНН';
const SOURCE = { source: 'test', date: '2026-12-04' };

describe('top-up: phone numbers, the numbering plan and fees', () => {
  it('accepts Russian mobile numbers as typed and refuses everything else', () => {
    for (const typed of ['+79161234567', '+7 916 123-45-67', '8 (916) 123 45 67', '89161234567', '79161234567'])
      assert.equal(parseRussianMobile(typed)?.e164, '+79161234567', typed);
    for (const bad of ['+74951234567', '+19161234567', '+7916123456', '+791612345678', '9161234567', '+7 916 123 45 6x', '', '+7'.padEnd(40, '9')])
      assert.equal(parseRussianMobile(bad), undefined, bad);
  });

  it('finds the operator of a number by its range, and none outside the ranges', () => {
    const plan = NumberingPlan.parse(`${HEADER}\n916;0000000;0999999;1000000;A;R;7740000076\n916;2000000;2999999;1000000;B;R;7812014560\n`, SOURCE);
    assert.equal(plan.find(parseRussianMobile('+79160999999')!)?.operatorInn, '7740000076');
    assert.equal(plan.find(parseRussianMobile('+79162000000')!)?.operatorInn, '7812014560');
    assert.equal(plan.find(parseRussianMobile('+79161500000')!), undefined);
    assert.equal(plan.find(parseRussianMobile('+79171500000')!), undefined);
  });

  it('refuses a file that is not the register format, naming the line', () => {
    assert.throws(() => NumberingPlan.parse('DEF;from;to\n916;0;1', SOURCE), /first line must be the register's header/);
    assert.throws(() => NumberingPlan.parse(`${HEADER}\n916;0000000;0999999;1000000;A;R;7740000076\n916;abc;0999999;1;A;R;7740000076`, SOURCE), /line 3/);
    assert.throws(() => NumberingPlan.parse(`${HEADER}\n916;0000000;0999999;1;A;R;7740000076\n916;0500000;1999999;1;B;R;7812014560`, SOURCE), /overlap/);
  });

  it('the shipped sample parses and says what it is', () => {
    const dir = path.dirname(require.resolve('@tender/plugin-top-up/package.json'));
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'numbering-plan', 'numbering-plan.meta.json'), 'utf8')) as {
      source: string;
      date: string;
      note: string;
    };
    assert.match(meta.note, /SAMPLE/);
    assert.equal(NumberingPlan.parse(fs.readFileSync(path.join(dir, 'numbering-plan', 'numbering-plan.csv'), 'utf8'), meta).size, 8);
  });

  it('rounds the percentage fee half up to a kopeck, in integers', () => {
    assert.equal(feeFor({ fee_fixed: 500, fee_bps: 150 }, 10_050), 651); // 150.75 → 151
    assert.equal(feeFor({ fee_fixed: 0, fee_bps: 150 }, 10_000), 150);
    assert.equal(feeFor({ fee_fixed: 0, fee_bps: 50 }, 100), 1); // 0.5 → 1
    assert.equal(feeFor({ fee_fixed: 0, fee_bps: 49 }, 100), 0); // 0.49 → 0
    assert.equal(feeFor({ fee_fixed: 0, fee_bps: 10_000 }, 99_999_999_999), 99_999_999_999);
  });

  it('its risk rules pass the conformance checks', async () => {
    assert.deepEqual(await riskRuleProblems(new NumberVelocityRule()), []);
    assert.deepEqual(await riskRuleProblems(new CardDailyLimitRule(undefined as never)), []);
  });
});
