import assert from 'node:assert/strict';
import { DEFAULT_RETRY_DAYS, decideAfterFailure, failureKind, parseRetryDays } from '@tender/plugin-saved-cards/dist/schedules/retry-policy';

describe('schedule retry policy', () => {
  it('soft declines are retried, hard declines and unknown reasons stop', () => {
    for (const soft of ['insufficient_funds', 'limit_exceeded', 'processing_error', 'bank_unreachable']) assert.equal(failureKind(soft), 'soft', soft);
    for (const hard of [
      'do_not_honor',
      'expired_card',
      'invalid_card',
      'fraud_suspected',
      'lost_card',
      'stolen_card',
      'payment_method_expired',
      'resource_not_found',
      'something_new',
    ]) {
      assert.equal(failureKind(hard), 'hard', hard);
    }
  });

  it('retries after 1, 3 and 5 days by default, then gives up', () => {
    assert.deepEqual(DEFAULT_RETRY_DAYS, [1, 3, 5]);
    assert.deepEqual(decideAfterFailure('insufficient_funds', 0, DEFAULT_RETRY_DAYS), { kind: 'retry', attempt: 1, afterDays: 1 });
    assert.deepEqual(decideAfterFailure('insufficient_funds', 1, DEFAULT_RETRY_DAYS), { kind: 'retry', attempt: 2, afterDays: 3 });
    assert.deepEqual(decideAfterFailure('insufficient_funds', 2, DEFAULT_RETRY_DAYS), { kind: 'retry', attempt: 3, afterDays: 5 });
    assert.deepEqual(decideAfterFailure('insufficient_funds', 3, DEFAULT_RETRY_DAYS), { kind: 'stop', reason: 'retries_exhausted' });
    assert.deepEqual(decideAfterFailure('do_not_honor', 0, DEFAULT_RETRY_DAYS), { kind: 'stop', reason: 'hard_decline' });
    assert.deepEqual(decideAfterFailure('stolen_card', 2, DEFAULT_RETRY_DAYS), { kind: 'stop', reason: 'hard_decline' });
    assert.deepEqual(decideAfterFailure('insufficient_funds', 0, []), { kind: 'stop', reason: 'retries_exhausted' });
  });

  it('reads the retryDays option strictly', () => {
    assert.deepEqual(parseRetryDays('1,3,5'), [1, 3, 5]);
    assert.deepEqual(parseRetryDays(' 2 , 7 '), [2, 7]);
    assert.deepEqual(parseRetryDays(''), []);
    assert.deepEqual(parseRetryDays('0'), []);
    for (const bad of ['3,1', '1,1', '0,2', '31', '1,2,3,4,5,6,7,8,9,10,11', '1.5', 'x']) assert.throws(() => parseRetryDays(bad), RangeError, bad);
  });
});
