import assert from 'node:assert/strict';
import { PAYMENT_STATUSES, PaymentStatus, TenderError, allowedTransitions, canTransition } from '@tender/core';
import { assertTransition } from '@tender/core/dist/payments/payment-state-machine';

/** The table the issue and docs/api.md describe; any drift in the code fails here. */
const EXPECTED: Record<PaymentStatus, PaymentStatus[]> = {
  pending: ['processing', 'canceled'],
  processing: ['authorized', 'captured', 'declined', 'failed', 'requires_action'],
  requires_action: ['processing', 'declined', 'failed', 'canceled'],
  authorized: ['captured', 'canceled'],
  captured: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  declined: ['processing', 'canceled'],
  failed: ['processing', 'canceled'],
  canceled: [],
};

describe('payment state machine (no database)', () => {
  for (const from of PAYMENT_STATUSES) {
    for (const to of PAYMENT_STATUSES) {
      const allowed = EXPECTED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? 'allowed' : 'forbidden'}`, () => {
        assert.equal(canTransition(from, to), allowed);
        if (allowed) {
          assert.doesNotThrow(() => assertTransition(from, to));
        } else {
          assert.throws(
            () => assertTransition(from, to, 'do it'),
            (e: unknown) => e instanceof TenderError && e.code === 'payment_invalid_state' && e.status === 409 && e.message.includes(from),
          );
        }
      });
    }
  }

  it('lists the same transitions it enforces', () => {
    for (const from of PAYMENT_STATUSES) assert.deepEqual([...allowedTransitions(from)].sort(), [...EXPECTED[from]].sort());
  });
});
