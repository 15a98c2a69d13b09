import assert from 'node:assert/strict';
import { newId, randomToken } from '@tender/core';

describe('ids (no database)', () => {
  it('makes base62 tokens of the asked length and prefixed ids', () => {
    assert.match(randomToken(), /^[0-9A-Za-z]{24}$/);
    assert.match(randomToken(7), /^[0-9A-Za-z]{7}$/);
    assert.match(newId('pay'), /^pay_[0-9A-Za-z]{24}$/);
  });

  it('never repeats across more ids than its 4 KiB byte pool holds, and uses all 62 characters', () => {
    // 2,000 ids draw about 100 KiB: the pool is refilled many times on the way.
    const ids = Array.from({ length: 2000 }, () => randomToken());
    assert.equal(new Set(ids).size, ids.length);
    const seen = new Set(ids.join(''));
    assert.equal(seen.size, 62);
  });
});
