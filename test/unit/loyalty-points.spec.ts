import assert from 'node:assert/strict';
import { accruedPoints, isCardNumber, newCardNumber, proportionalShare } from '@tender/plugin-loyalty';

describe('loyalty point arithmetic and card numbers', () => {
  it('cumulative proportional shares of any split of the whole add up to the total exactly', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 48271) % 2147483647;
      return 1 + (seed % n);
    };
    for (let round = 0; round < 500; round++) {
      const whole = next(10_000_000);
      const total = next(100_000);
      let refunded = 0;
      let reversed = 0;
      while (refunded < whole) {
        refunded = Math.min(whole, refunded + next(Math.max(1, Math.floor(whole / 3))));
        const step = proportionalShare(total, refunded, whole) - reversed;
        assert.ok(step >= 0, 'a later refund never gives back');
        reversed += step;
      }
      assert.equal(reversed, total);
    }
  });

  it('accrues in integers without floating point (large amounts stay exact)', () => {
    assert.equal(accruedPoints(100000, 500, 100), 50);
    assert.equal(accruedPoints(99, 500, 100), 0);
    assert.equal(accruedPoints(9_000_000_000_000, 9999, 1), 8_999_100_000_000);
  });

  it('makes numbers with a check digit that catches a mistyped digit', () => {
    for (let i = 0; i < 200; i++) {
      const n = newCardNumber();
      assert.ok(isCardNumber(n), n);
      const typo = n.slice(0, 5) + String((Number(n[5]) + 1) % 10) + n.slice(6);
      assert.equal(isCardNumber(typo), false, typo);
    }
    assert.equal(isCardNumber('4242424242424242'), false, 'a payment card range is not a loyalty card');
  });
});
