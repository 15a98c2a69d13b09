import assert from 'node:assert/strict';
import { container } from 'tsyringe';
import { z } from 'zod';
import { RISK_RULE } from '@tender/core';
import { registerBuiltInRiskRules } from '@tender/core/dist/monitoring/rules/built-in-rules';
import { cardInputSchema } from '@tender/core/dist/methods/card/card-input.schema';
import { cardPage } from '@tender/core/dist/methods/card/card-page';
import { cardTokenInputSchema } from '@tender/core/dist/elements/card-token.method';
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
      evaluate: async (input, s) => ({ score: s.score + (calls++ % 3), reason: `mail at ${input.email!.split('@')[1]}` }),
    };
    const report = await checkRiskRule({ rule: lazy });
    assert.ok(
      report.problems.some((p) => p.includes('no IP, no e-mail: evaluate threw')),
      report.problems.join('\n'),
    );
    assert.ok(
      report.problems.some((p) => p.includes('not deterministic')),
      report.problems.join('\n'),
    );
    assert.throws(() => assertConforms(report), /RiskRule conformance: lazy_email/);
  });
});

describe('PaymentMethod conformance from @tender/core/testing (no database)', () => {
  // The card method as the gateway builds it, without its vault (instrument() is not called by the suite).
  const card: PaymentMethod = {
    type: 'card',
    capability: 'card_authorization',
    input: cardInputSchema(() => Date.UTC(2026, 0, 1, 12)),
    page: cardPage,
    instrument: async () => {
      throw new Error('not called by the suite');
    },
  };

  it('the card method conforms, and never repeats the number or the CVC in an error', async () => {
    assertConforms(
      await checkPaymentMethod({
        method: card,
        valid: [VALID_CARD, { number: '2200000000000004', exp_month: 1, exp_year: 2030, cvc: '1234' }],
        invalid: [
          { ...VALID_CARD, number: '4242424242424241' },
          { ...VALID_CARD, exp_year: 2020 },
          { ...VALID_CARD, cvc: '12' },
        ],
        requiresInput: true,
        secretFields: ['number', 'cvc'],
      }),
    );
  });

  it('the card token method (embedded fields) conforms', async () => {
    const token: PaymentMethod = {
      type: 'card_token',
      referencePrefix: 'tok',
      capability: 'card_authorization',
      input: cardTokenInputSchema,
      instrument: card.instrument,
    };
    assertConforms(
      await checkPaymentMethod({
        method: token,
        valid: [{ id: `tok_${'a1B2'.repeat(6)}` }],
        invalid: [{ id: 'tok_short' }, { id: `pm_${'a'.repeat(24)}` }],
        requiresInput: true,
      }),
    );
  });

  it('rejects a lazy method that accepts anything, prints a value unescaped and styles with a sheet that closes its element', async () => {
    const lazy: PaymentMethod = {
      type: 'voucher',
      capability: '',
      referencePrefix: 'PM-',
      input: z.any(),
      page: {
        path: 'voucher',
        fields: ['code'],
        keep: [],
        template: '<p>{{{part.values.code}}}</p>',
        styles: 'p{}</style><script>alert(1)</script>',
        context: () => ({}),
        submission: async () => ({ input: {} }),
        refusal: () => undefined,
      },
      instrument: async () => ({ bank: { kind: 'fields', fields: {} }, record: async () => undefined }),
    };
    const report = await checkPaymentMethod({ method: lazy, valid: [{ code: 'V-1234' }], requiresInput: true });
    for (const expected of [
      'declares no bank capability',
      "reference prefix 'PM-'",
      'page template',
      'page styles: the style sheet contains <',
      'accepted no input',
      'accepted an unknown field',
      'accepted code as an object',
      'accepted code as 10 000 characters',
    ]) {
      assert.ok(
        report.problems.some((p) => p.includes(expected)),
        `${expected}:\n${report.problems.join('\n')}`,
      );
    }
  });

  it('rejects a method whose error repeats the card number', async () => {
    const leaky: PaymentMethod = {
      ...card,
      input: z
        .object({
          number: z.string().refine(
            (n) => n.length < 0,
            (n) => ({ message: `card ${n} refused` }),
          ),
        })
        .passthrough(),
    };
    const report = await checkPaymentMethod({ method: leaky, valid: [VALID_CARD], requiresInput: true, secretFields: ['number', 'cvc'] });
    assert.ok(
      report.problems.some((p) => p.includes('repeats a secret value')),
      report.problems.join('\n'),
    );
  });
});
