import assert from 'node:assert/strict';
import { nextDelay } from '@tender/core';

describe('retry schedule (no database)', () => {
  it('backs off exponentially with jitter, capped, and covers three days within a few dozen attempts', () => {
    const policy = { baseMs: 60_000, maxMs: 6 * 3600_000 };
    assert.equal(
      nextDelay(1, policy, () => 0.5),
      60_000,
    );
    assert.equal(
      nextDelay(2, policy, () => 0.5),
      120_000,
    );
    assert.equal(
      nextDelay(30, policy, () => 0.5),
      6 * 3600_000,
    );
    assert.equal(
      nextDelay(1, policy, () => 0),
      48_000,
    );
    assert.equal(
      nextDelay(1, policy, () => 0.999999),
      72_000,
    );
    let total = 0;
    let attempts = 0;
    while (total < 3 * 86_400_000) total += nextDelay(++attempts, policy, () => 0.5);
    assert.ok(attempts < 25, `took ${attempts} attempts`);
  });
});
