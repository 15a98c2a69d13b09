import assert from 'node:assert/strict';
import { container } from 'tsyringe';
import { z } from 'zod';
import { RISK_RULE } from '@tender/core';
import { registerBuiltInRiskRules } from '@tender/core/dist/monitoring/rules/built-in-rules';
import { CardPaymentMethod } from '@tender/core/dist/methods/card/card.method';
import { AccountPaymentMethod } from '@tender/core/dist/methods/account/account.method';
import { PaymentMethod, RiskRule, assertConforms, checkPaymentMethod, checkRiskRule } from '@tender/core/testing';

const VALID_CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '739', holder_name: 'IVAN PETROV' };

describe('RiskRule conformance from @tender/core/testing (no database)', () => {
  const scope = container.createChildContainer();
  registerBuiltInRiskRules(scope);
  for (const rule of scope.resolveAll<RiskRule>(RISK_RULE)) {
    it(`built-in rule ${rule.code} conforms`, async () => assertConforms(await checkRiskRule({ rule })));
  }

  it('rejects a lazy rule that throws on a missing field and answers differently each time', async () => {
    let calls = 0;
    const lazy: RiskRule<{ score: number }> = {
      code: 'lazy_email',
      defaults: { score: 10 },
      settingsSchema: z.object({ score: z.number().int() }).partial().strict(),
      // Reads the e-mail as if it were always sent, and scores by call count.
      evaluate: async (input, s) => ({ score: s.score + (calls++ % 3), reason: `mail at ${input.email!.split('@')[1]!}` }),
    };
    const report = await checkRiskRule({ rule: lazy });
    assert.ok(report.problems.some((p) => p.includes('no IP, no e-mail: evaluate threw')), report.problems.join('\n'));
    assert.ok(report.problems.some((p) => p.includes('not deterministic')), report.problems.join('\n'));
    assert.throws(() => assertConforms(report), /RiskRule conformance: lazy_email/);
  });
});

describe('PaymentMethod conformance from @tender/core/testing (no database)', () => {
  it('the card method conforms, and never repeats the number or the CVC in an error', async () => {
    assertConforms(await checkPaymentMethod({
      method: new CardPaymentMethod(),
      valid: [VALID_CARD, { number: '2200000000000004', exp_month: 1, exp_year: 2030, cvc: '1234' }],
      invalid: [{ ...VALID_CARD, number: '4242424242424241' }, { ...VALID_CARD, exp_year: 2020 }, { ...VALID_CARD, cvc: '12' }],
      requiresInput: true,
      secretFields: ['number', 'cvc'],
    }));
  });

  it('the account method conforms (its input is optional, its errors point at account.*)', async () => {
    assertConforms(await checkPaymentMethod({ method: new AccountPaymentMethod(), valid: [{ number: '40817810099910004312' }], invalid: [{ number: 'no spaces allowed' }], requiresInput: false, paramPrefix: 'account' }));
  });

  it('rejects a lazy method that accepts anything', async () => {
    const lazy: PaymentMethod = { code: 'voucher', prepare: (raw) => ({ type: 'account', account: { number: String(raw?.code ?? '') } }) };
    const report = await checkPaymentMethod({ method: lazy, valid: [{ code: 'V-1234' }], requiresInput: true });
    for (const expected of ["prepared type 'account' is not the method's code", 'accepted no input', 'accepted an unknown field', 'accepted code as an object', 'accepted code as 10 000 characters']) {
      assert.ok(report.problems.some((p) => p.includes(expected)), `${expected}:\n${report.problems.join('\n')}`);
    }
  });

  it('rejects a method whose error repeats the card number', async () => {
    const leaky: PaymentMethod = {
      code: 'card',
      prepare: (raw, now) => {
        if (raw !== undefined && 'not_a_field' in raw) throw Object.assign(new Error(`unknown field next to card ${String(raw.number)}`), { status: 400, code: 'parameter_unknown', param: 'payment_method.card.not_a_field' });
        return new CardPaymentMethod().prepare(raw, now);
      },
    };
    const report = await checkPaymentMethod({ method: leaky, valid: [VALID_CARD], requiresInput: true, secretFields: ['number', 'cvc'] });
    assert.ok(report.problems.some((p) => p.includes('repeats a secret value')), report.problems.join('\n'));
  });
});
