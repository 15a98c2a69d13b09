import assert from 'node:assert/strict';
import { isForbiddenAddress, nextDelay } from '@tender/core';

describe('webhook address rules and retry schedule (no database)', () => {
  it('refuses private, loopback, link-local, multicast and unspecified addresses, and nothing public', () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.1.1', '224.0.0.251', '0.0.0.0', '255.255.255.255', '::1', '::', 'fe80::1', 'fd12:3456::1', 'ff02::1', '::ffff:7f00:1', '64:ff9b::a00:1']) {
      assert.equal(isForbiddenAddress(a), true, a);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::200e']) assert.equal(isForbiddenAddress(a), false, a);
  });

  it('backs off exponentially with jitter, capped, and covers three days within a few dozen attempts', () => {
    const policy = { baseMs: 60_000, maxMs: 6 * 3600_000 };
    assert.equal(nextDelay(1, policy, () => 0.5), 60_000);
    assert.equal(nextDelay(2, policy, () => 0.5), 120_000);
    assert.equal(nextDelay(30, policy, () => 0.5), 6 * 3600_000);
    assert.equal(nextDelay(1, policy, () => 0), 48_000);
    assert.equal(nextDelay(1, policy, () => 0.999999), 72_000);
    let total = 0;
    let attempts = 0;
    while (total < 3 * 86_400_000) total += nextDelay(++attempts, policy, () => 0.5);
    assert.ok(attempts < 25, `took ${attempts} attempts`);
  });
});
