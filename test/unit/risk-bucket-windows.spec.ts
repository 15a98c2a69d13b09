import assert from 'node:assert/strict';
import { BUCKET_MS, bucketOf, firstBucketOf, keyHashOf } from '@tender/core/dist/monitoring/risk-buckets';
import { createHash } from 'node:crypto';

/** How a window of W seconds maps onto one-minute buckets (docs/risk.md, "How history is counted"). */
describe('risk history buckets: window granularity (no database)', () => {
  const minute = (m: number, s = 0, ms = 0): number => Date.parse('2026-05-05T10:00:00Z') + m * 60_000 + s * 1000 + ms;

  it('puts an attempt in the minute it was made', () => {
    assert.equal(bucketOf(minute(3, 59, 999)), minute(3));
    assert.equal(bucketOf(minute(4)), minute(4));
    assert.equal(BUCKET_MS, 60_000);
  });

  it('counts the minutes that began within the window, never a minute that began before it', () => {
    // Window of 300 s at 10:07:30: minutes from 10:03 (10:02:30 is inside 10:02, which began before the window).
    assert.equal(firstBucketOf(minute(7, 30) - 300_000, minute(7, 30)), minute(3));
    // A window starting exactly on a minute counts that minute.
    assert.equal(firstBucketOf(minute(2), minute(7)), minute(2));
    // One millisecond later, it does not.
    assert.equal(firstBucketOf(minute(2, 0, 1), minute(7, 0, 1)), minute(3));
  });

  it('a window shorter than a minute still counts the current minute', () => {
    assert.equal(firstBucketOf(minute(7, 50) - 5_000, minute(7, 50)), minute(7));
  });

  it('names a key as the lock rows do: SHA-256 of kind:value', () => {
    assert.equal(keyHashOf('ip', '203.0.113.7'), createHash('sha256').update('ip:203.0.113.7').digest('hex'));
    assert.equal(keyHashOf('merchant'), createHash('sha256').update('merchant').digest('hex'));
  });
});
