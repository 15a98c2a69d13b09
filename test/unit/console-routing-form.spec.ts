import assert from 'node:assert/strict';
import { readRoutingForm, rowsOf } from '@tender/dashboard/dist/console/routing-rule-form';

describe('console routing editor form', () => {
  const valid = {
    rule_count: '3',
    'rule-0-id': 'mir-to-alfa',
    'rule-0-priority': '10',
    'rule-0-brands': 'mir',
    'rule-0-currencies': 'rub, usd',
    'rule-0-bin_ranges': '220000-220499 400000',
    'rule-0-amount_min': '100',
    'rule-0-targets': 'alfa:70, sber:30',
    'rule-1-id': 'dropped',
    'rule-1-priority': '5',
    'rule-1-targets': 'alfa',
    'rule-1-delete': 'on',
    // Row 2 is the blank "add a rule" row.
  };

  it('reads rows into the rule set PUT /admin/v1/routing takes, dropping deleted and blank rows', () => {
    const result = readRoutingForm(valid);
    assert.ok(result.ok);
    assert.deepEqual(result.set.rules, [
      {
        id: 'mir-to-alfa',
        priority: 10,
        match: {
          brands: ['mir'],
          currencies: ['RUB', 'USD'],
          bin_ranges: [
            { from: '220000', to: '220499' },
            { from: '400000', to: '400000' },
          ],
          amount_min: 100,
        },
        targets: [
          { bank: 'alfa', weight: 70 },
          { bank: 'sber', weight: 30 },
        ],
      },
    ]);
    assert.deepEqual(
      rowsOf(result.set.rules).map((r) => [r.currencies, r.bin_ranges, r.targets]),
      [['RUB, USD', '220000-220499, 400000-400000', 'alfa:70, sber:30']],
    );
  });

  it('keys every error by the field it belongs to', () => {
    const result = readRoutingForm({
      rule_count: '3',
      'rule-0-id': 'a',
      'rule-0-priority': 'ten',
      'rule-0-targets': 'alfa:1',
      'rule-1-id': 'b',
      'rule-1-priority': '1',
      'rule-1-currencies': 'RUBLES',
      'rule-1-amount_min': '500',
      'rule-1-amount_max': '100',
      'rule-1-targets': 'Alfa Bank:1',
      'rule-2-id': 'a',
      'rule-2-priority': '2',
      'rule-2-targets': 'beta:x',
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors['rule-0-priority'], 'must be a whole number');
    assert.equal(result.errors['rule-1-currencies'], 'must be an ISO 4217 code');
    assert.equal(result.errors['rule-1-targets'], 'must be a bank code (lowercase letters, digits, - and _)');
    assert.equal(result.errors['rule-2-id'], 'rule ids must be unique');
    assert.match(result.errors['rule-2-targets'] ?? '', /code:weight/);
    assert.deepEqual(
      result.rows.map((r) => r.id),
      ['a', 'b', 'a'],
      'what was typed comes back for the page',
    );
    const onlyRange = readRoutingForm({
      rule_count: '1',
      'rule-0-id': 'r',
      'rule-0-priority': '1',
      'rule-0-amount_min': '500',
      'rule-0-amount_max': '100',
      'rule-0-targets': 'alfa',
    });
    assert.equal(onlyRange.ok, false);
    if (!onlyRange.ok) assert.equal(onlyRange.errors['rule-0-amount_max'], 'amount_min must not exceed amount_max');
  });

  it('requires a priority and at least one target', () => {
    const result = readRoutingForm({ rule_count: '1', 'rule-0-id': 'x', 'rule-0-currencies': 'RUB' });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors['rule-0-priority'], 'required');
    assert.ok(result.errors['rule-0-targets']);
  });
});
