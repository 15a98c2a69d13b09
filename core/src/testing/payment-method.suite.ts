import { isDeepStrictEqual } from 'node:util';
import type { PaymentMethod } from '../methods/payment-method';
import { ConformanceReport, ReportBuilder } from './conformance-report';
import { methodStylesProblem } from '../methods/method-part-styles';

/** A payment method under test, against the PaymentMethod contract (type, input schema, capability, page part). */
export interface PaymentMethodSubject {
  readonly method: PaymentMethod;
  /** Inputs a buyer may send under `payment_method.<type>` that the method must accept (at least one, with every field it knows). */
  readonly valid: ReadonlyArray<Record<string, unknown>>;
  /** Inputs it must refuse besides the ones the suite makes (expired card, bad checksum, ...). */
  readonly invalid?: ReadonlyArray<Record<string, unknown>>;
  /** Whether a missing input must be refused (true for a card: there is nothing to pay with). */
  readonly requiresInput: boolean;
  /** Fields whose values must never appear in an error (card number, CVC). */
  readonly secretFields?: readonly string[];
}

interface ClientError {
  readonly status: number;
  readonly code: string;
  readonly param: string | undefined;
  readonly message: string;
}

function clientError(error: unknown): ClientError | undefined {
  const e = error as Partial<ClientError> | undefined;
  if (e === undefined || e === null || typeof e.status !== 'number' || e.status < 400 || e.status > 499 || typeof e.code !== 'string') return undefined;
  return { status: e.status, code: e.code, param: typeof e.param === 'string' ? e.param : undefined, message: String(e.message ?? '') };
}

function frozen(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.freeze(structuredClone(raw));
}

/**
 * Checks a PaymentMethod as the gateway uses it: its type, capability and page part
 * are well formed (a page part's template never prints a value unescaped); its input
 * schema, applied as the API applies it (errors under `payment_method.<type>`),
 * accepts the valid inputs the same way every time without changing them, and
 * refuses (a 4xx error with a catalogue code and a `param` under its prefix)
 * missing input when it needs some, unknown fields, every field replaced by an
 * object or by 10 000 characters, and the subject's own invalid inputs; no error
 * repeats a secret field's value.
 *
 * @example
 * ```ts
 * import { assertConforms, checkPaymentMethod } from '@tender/core/testing';
 * it('conforms', async () => assertConforms(await checkPaymentMethod({
 *   method: voucherMethod, valid: [{ code: 'GIFT20261203' }], requiresInput: true, secretFields: ['code'],
 * })));
 * ```
 */
export async function checkPaymentMethod(subject: PaymentMethodSubject): Promise<ConformanceReport> {
  const { method } = subject;
  const prefix = `payment_method.${String(method.type)}`;
  const secrets = subject.valid.flatMap((v) => (subject.secretFields ?? []).map((f) => v[f]).filter((x): x is string => typeof x === 'string' && x.length > 0));
  const r = new ReportBuilder('PaymentMethod', String(method.type));
  // What the API does with `payment_method.<type>` (payments/payment-input.ts): the
  // method's schema, its first problem answered as a 400 naming the field. Done here
  // with the schema's own safeParse, so loading the suite loads no validation library.
  const parse = (raw: Record<string, unknown> | undefined): unknown => {
    const result = method.input.safeParse(raw);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const path = issue === undefined ? [] : issue.path.map(String);
    throw Object.assign(new Error(issue?.message ?? 'invalid'), { status: 400, code: 'parameter_invalid', param: [prefix, ...path].join('.') });
  };

  const mustRefuse = (name: string, raw: Record<string, unknown> | undefined, problem: (text: string) => void): void => {
    let error: unknown;
    try {
      parse(raw === undefined ? undefined : frozen(raw));
    } catch (caught) {
      error = caught;
    }
    if (error === undefined) {
      problem(`accepted ${name}`);
      return;
    }
    const e = clientError(error);
    if (e === undefined) {
      problem(`${name}: threw something that is not a 4xx error with a code (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    if (e.param === undefined || !(e.param === prefix || e.param.startsWith(`${prefix}.`)))
      problem(`${name}: param '${String(e.param)}' is not under '${prefix}'`);
    for (const s of secrets) if (e.message.includes(s) || (e.param ?? '').includes(s)) problem(`${name}: the error repeats a secret value`);
  };

  await r.check('has a type and a capability', (problem) => {
    if (typeof method.type !== 'string' || !/^[a-z][a-z0-9_]{1,39}$/.test(method.type))
      problem(`type '${String(method.type)}' is not 2 to 40 lowercase letters, digits or _`);
    if (typeof method.capability !== 'string' || method.capability.trim() === '') problem('declares no bank capability');
    if (typeof method.instrument !== 'function') problem('has no instrument()');
    if (method.input === undefined || typeof method.input.safeParse !== 'function') problem('has no input schema');
    // A reference (`"pm_..."`) becomes the input `{ id: <reference> }`: the prefix must be usable and the schema must take that shape.
    if (method.referencePrefix !== undefined && !/^[a-z][a-z0-9]{0,15}$/.test(method.referencePrefix))
      problem(`reference prefix '${method.referencePrefix}' is not 1 to 16 lower-case letters and digits`);
  });

  await r.check('has a page part that escapes what it prints and styles only itself', async (problem) => {
    const page = method.page;
    if (page === undefined) return;
    if (!/^([a-z][a-z0-9-]{0,39})?$/.test(page.path)) problem(`page path '${page.path}' is not empty or lower-case letters, digits and -`);
    if (page.fields.length === 0) problem('the page part posts no fields');
    // Handlebars is loaded only when a method has a page part to check.
    const { methodPartProblem } = await import('../methods/method-part-template');
    const unsafe = methodPartProblem(page.template);
    if (unsafe !== undefined) problem(`page template: ${unsafe}`);
    const styles = page.styles === undefined ? undefined : methodStylesProblem(page.styles);
    if (styles !== undefined) problem(`page styles: the style sheet ${styles}`);
  });

  await r.check('accepts the valid inputs, the same way twice, without changing them', (problem) => {
    if (subject.valid.length === 0) problem('the subject gives no valid input');
    for (const [i, raw] of subject.valid.entries()) {
      try {
        const first = parse(frozen(raw));
        const second = parse(frozen(raw));
        if (!isDeepStrictEqual(first, second)) problem(`valid input ${i}: the same input was parsed differently`);
      } catch (error) {
        problem(`valid input ${i}: refused (${error instanceof Error ? error.message : String(error)})`);
      }
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
