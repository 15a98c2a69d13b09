import { isDeepStrictEqual } from 'node:util';
import type { PaymentMethod } from '../methods/payment-method';
import { ConformanceReport, ReportBuilder } from './conformance-report';

/**
 * A payment method under test, against today's PaymentMethod contract (`code`,
 * `prepare(raw, now)`).
 */
export interface PaymentMethodSubject {
  readonly method: PaymentMethod;
  /** Inputs a buyer may send that the method must accept (at least one, with every field it knows). */
  readonly valid: ReadonlyArray<Record<string, unknown>>;
  /** Inputs it must refuse besides the ones the suite makes (expired card, bad checksum, ...). */
  readonly invalid?: ReadonlyArray<Record<string, unknown>>;
  /** Whether `prepare(undefined)` must be refused (true for a card: there is nothing to pay with). */
  readonly requiresInput: boolean;
  /** Where its errors point (`param` starts with it); default `payment_method.<code>`. */
  readonly paramPrefix?: string;
  /** Fields whose values must never appear in an error (card number, CVC). */
  readonly secretFields?: readonly string[];
  /** The time `prepare` is given; default 2026-01-01. */
  readonly now?: Date;
}

interface ClientError {
  readonly status: number;
  readonly code: string;
  readonly param: string | undefined;
  readonly message: string;
}

const NOW = new Date('2026-01-01T12:00:00Z');

function clientError(error: unknown): ClientError | undefined {
  const e = error as Partial<ClientError> | undefined;
  if (e === undefined || e === null || typeof e.status !== 'number' || e.status < 400 || e.status > 499 || typeof e.code !== 'string') return undefined;
  return { status: e.status, code: e.code, param: typeof e.param === 'string' ? e.param : undefined, message: String(e.message ?? '') };
}

function frozen(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.freeze(structuredClone(raw));
}

/**
 * Checks a PaymentMethod: its code; it accepts the valid inputs the same way every
 * time, without changing them, answering its own type; it refuses (a 4xx error
 * with a catalogue code and a `param` under its prefix) missing input when it needs
 * some, unknown fields, every field replaced by an object or by 10 000 characters,
 * and the subject's own invalid inputs; and no error repeats a secret field's value.
 *
 * @example
 * ```ts
 * import { assertConforms, checkPaymentMethod } from '@tender/core/testing';
 * it('conforms', async () => assertConforms(await checkPaymentMethod({
 *   method: new VoucherMethod(), valid: [{ code: 'VOUCHER-1234' }], requiresInput: true, secretFields: ['code'],
 * })));
 * ```
 */
export async function checkPaymentMethod(subject: PaymentMethodSubject): Promise<ConformanceReport> {
  const { method } = subject;
  const now = subject.now ?? NOW;
  const prefix = subject.paramPrefix ?? `payment_method.${method.code}`;
  const secrets = subject.valid.flatMap((v) => (subject.secretFields ?? []).map((f) => v[f]).filter((x): x is string => typeof x === 'string' && x.length > 0));
  const r = new ReportBuilder('PaymentMethod', String(method.code));

  const mustRefuse = (name: string, raw: Record<string, unknown> | undefined, problem: (text: string) => void): void => {
    let error: unknown;
    try {
      method.prepare(raw === undefined ? undefined : frozen(raw), now);
    } catch (caught) {
      error = caught;
    }
    if (error === undefined) return problem(`accepted ${name}`);
    const e = clientError(error);
    if (e === undefined) return problem(`${name}: threw something that is not a 4xx error with a code (${error instanceof Error ? error.message : String(error)})`);
    if (e.param === undefined || !(e.param === prefix || e.param.startsWith(`${prefix}.`))) problem(`${name}: param '${String(e.param)}' is not under '${prefix}'`);
    for (const s of secrets) if (e.message.includes(s) || (e.param ?? '').includes(s)) problem(`${name}: the error repeats a secret value`);
  };

  await r.check('has a code', (problem) => {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(method.code)) problem(`code '${method.code}' is not 2 to 40 lowercase letters, digits or _`);
  });

  await r.check('accepts the valid inputs, the same way twice, without changing them', (problem) => {
    if (subject.valid.length === 0) problem('the subject gives no valid input');
    for (const [i, raw] of subject.valid.entries()) {
      const first = method.prepare(frozen(raw), now);
      const second = method.prepare(frozen(raw), now);
      if (first.type !== method.code) problem(`valid input ${i}: prepared type '${first.type}' is not the method's code`);
      if (!isDeepStrictEqual(first, second)) problem(`valid input ${i}: the same input was prepared differently`);
    }
  });

  await r.check('refuses missing input when it needs some', (problem) => {
    if (!subject.requiresInput) return;
    mustRefuse('no input', undefined, problem);
    mustRefuse('an empty object', {}, problem);
  });

  await r.check('refuses unknown fields', (problem) => {
    for (const raw of subject.valid) mustRefuse('an unknown field', { ...raw, not_a_field: 'x' }, problem);
  });

  await r.check('refuses each field replaced by an object or by 10 000 characters', (problem) => {
    for (const raw of subject.valid) {
      for (const field of Object.keys(raw)) {
        mustRefuse(`${field} as an object`, { ...raw, [field]: { nested: { deeper: 1 } } }, problem);
        mustRefuse(`${field} as 10 000 characters`, { ...raw, [field]: '9'.repeat(10_000) }, problem);
      }
    }
  });

  await r.check("refuses the subject's invalid inputs", (problem) => {
    for (const [i, raw] of (subject.invalid ?? []).entries()) mustRefuse(`invalid input ${i}`, raw, problem);
  });

  return r.report();
}
