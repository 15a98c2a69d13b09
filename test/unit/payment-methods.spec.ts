import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CardInput,
  CardPaymentMethod,
  FixedClock,
  InstrumentContext,
  KeyRing,
  Payment,
  PaymentMethod,
  TenderConfig,
  TenderError,
  loadConfig,
  methodPartProblem,
  methodStylesProblem,
} from '@tender/core';
import { CardVault } from '@tender/core/dist/vault/card-vault';
import { isTestCardNumber } from '@tender/core/dist/methods/card/test-card-numbers';
import { TEST_CARDS } from '@tender/adapter-sandbox';
import { AccountPage, AccountPaymentMethod, AccountPaymentSettings, TlsClientCertificateAuthenticator } from '@tender/plugin-accounts';

/** A dependency the code under test must not touch here: any use fails the test. */
function untouched<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      throw new Error(`${name}.${String(prop)} was used`);
    },
  });
}

/** The contract's static rules (payment-method.ts, payment-method-page.ts), as problems. */
function contractProblems(method: PaymentMethod): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(method.type)) problems.push(`type '${method.type}'`);
  if (method.capability.length === 0) problems.push('no capability');
  if (typeof method.input.safeParse !== 'function') problems.push('input is not a zod schema');
  const page = method.page;
  if (page !== undefined) {
    if (!/^(|[a-z][a-z-]{0,39})$/.test(page.path)) problems.push(`page path '${page.path}'`);
    const problem = methodPartProblem(page.template);
    if (problem !== undefined) problems.push(`template: ${problem}`);
    const styles = page.styles === undefined ? undefined : methodStylesProblem(page.styles);
    if (styles !== undefined) problems.push(`styles: ${styles}`);
    if (page.fields.includes('form_token')) problems.push("form_token is the gateway's field");
    for (const k of page.keep ?? []) if (!page.fields.includes(k)) problems.push(`keeps '${k}', which it does not post`);
  }
  return problems;
}

async function rejection(promise: Promise<unknown>): Promise<TenderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TenderError, `expected a TenderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

const clock = new FixedClock(Date.UTC(2026, 11, 3, 9, 0));
const payment = { id: 'pay_1', merchantId: 'mer_1', livemode: false, pageToken: 'T'.repeat(32) } as Payment;
const view = { payment, action: '/pay/x', token: 'tok', state: { values: {}, errors: {}, code: null, alert: null }, failure: null };

describe('payment methods against the PaymentMethod contract (no database)', () => {
  describe('card (core)', () => {
    const vault = new CardVault(new KeyRing(randomBytes(32).toString('base64')), clock, untouched('database'));
    const method = new CardPaymentMethod(clock, vault, { liveTestCards: 'refuse' } as TenderConfig);
    const context = (overrides: Partial<InstrumentContext> = {}): InstrumentContext => ({
      payment,
      now: clock.now(),
      payer: undefined,
      buyerPresent: false,
      offSession: false,
      setupFutureUsage: null,
      verification: false,
      ...overrides,
    });

    it('declares type, capability and a page part that keeps no secret', () => {
      assert.deepEqual(contractProblems(method), []);
      assert.equal(method.type, 'card');
      assert.equal(method.capability, 'card_authorization');
      assert.deepEqual(method.page.keep, ['holder_name']);
    });

    it('parses its input with catalogue codes on the field, expiry against the clock', () => {
      const ok = method.input.safeParse({ number: '4242 4242 4242 4242', exp_month: 12, exp_year: 30, cvc: '123' });
      assert.ok(ok.success);
      assert.equal(ok.data.brand, 'visa');
      for (const [raw, code, path] of [
        [{ number: '4242424242424241', exp_month: 12, exp_year: 2030, cvc: '123' }, 'card_number_invalid', 'number'],
        [{ number: '4242424242424242', exp_month: 11, exp_year: 2026, cvc: '123' }, 'card_expiry_invalid', 'exp_year'],
        [{ number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: 123 }, 'card_cvc_invalid', 'cvc'],
      ] as const) {
        const r = method.input.safeParse(raw);
        assert.ok(!r.success);
        const issue = r.error.issues[0];
        assert.deepEqual(issue?.path, [path]);
        assert.equal((issue as { params?: { code?: string } }).params?.code, code);
        assert.doesNotMatch(issue?.message ?? '', /4242|123/);
      }
      const unknown = method.input.safeParse({ number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123', pin: '1' });
      assert.ok(!unknown.success);
      assert.equal(unknown.error.issues[0]?.code, 'unrecognized_keys');
    });

    it('makes an instrument for authorize, risk, routing and 3-D Secure without writing anything', async () => {
      const input = method.input.parse({ number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' }) as CardInput;
      const instrument = await method.instrument(input, context());
      assert.deepEqual(instrument.bank, { kind: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123', holderName: undefined } });
      assert.deepEqual(instrument.routing, { brand: 'visa', bin: '424242' });
      assert.equal(instrument.authenticable, true);
      assert.equal(instrument.issuerAdapter, undefined);
      assert.equal(instrument.claim, undefined);
      assert.deepEqual(
        { ...instrument.risk, fingerprint: undefined },
        { fingerprint: undefined, brand: 'visa', bin: '424242', last4: '4242', expMonth: 12, expYear: 2030 },
      );
      assert.doesNotMatch(JSON.stringify(instrument.risk), /4242424242424242|"123"/);
    });

    it('tells the bank the card is being stored (first, cardholder-initiated) when the confirm saves it', async () => {
      const input = method.input.parse({ number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' }) as CardInput;
      for (const usage of ['on_session', 'off_session'] as const) {
        const instrument = await method.instrument(input, context({ setupFutureUsage: usage }));
        assert.ok(instrument.bank.kind === 'card');
        assert.deepEqual(instrument.bank.card.storedCredential, { initiator: 'cardholder', sequence: 'first' });
      }
    });

    it('refuses a sandbox test number on a live payment where the operator refuses them (card_test_number_live), and takes it where allowed', async () => {
      const input = method.input.parse({ number: '4000002760003184', exp_month: 12, exp_year: 2030, cvc: '123' }) as CardInput;
      const livePayment = { ...payment, livemode: true } as Payment;
      const error = await rejection(method.instrument(input, context({ payment: livePayment })));
      assert.equal(error.code, 'card_test_number_live');
      assert.equal(error.param, 'payment_method.card.number');
      assert.doesNotMatch(error.message, /3184/);
      await method.instrument(input, context());
      const allowing = new CardPaymentMethod(clock, vault, { liveTestCards: 'allow' } as TenderConfig);
      await allowing.instrument(input, context({ payment: livePayment }));
    });

    it('knows every sandbox test card as a test number (the core list covers the sandbox table)', () => {
      for (const number of Object.keys(TEST_CARDS)) assert.ok(isTestCardNumber(number), `${number} is missing from core's TEST_CARD_NUMBERS`);
    });

    it('turns the posted form into its input, and explains field refusals', async () => {
      assert.deepEqual(await method.page.submission({ number: '', expiry: '1/2', cvc: '12' }, { payment, tlsClientCertificate: undefined, path: '/pay/x' }), {
        errors: { number: 'error_number', expiry: 'error_expiry', cvc: 'error_cvc' },
      });
      assert.deepEqual(
        await method.page.submission(
          { number: '4242424242424242', expiry: '12 / 2030', cvc: '123', holder_name: 'Ann' },
          { payment, tlsClientCertificate: undefined, path: '/pay/x' },
        ),
        { input: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123', holder_name: 'Ann' } },
      );
      assert.deepEqual(method.page.refusal(new TenderError('card_cvc_invalid', { param: 'payment_method.card.cvc' })), {
        status: 422,
        errors: { cvc: 'error_cvc' },
        alert: 'error_form',
      });
      assert.equal(method.page.refusal(new TenderError('no_bank_connection')), undefined);
      assert.doesNotMatch(JSON.stringify(method.page.context({ ...view, state: { ...view.state, values: { holder_name: 'Ann' } } })), /number"|cvc"/);
    });
  });

  describe('personal account (@tender/plugin-accounts)', () => {
    const config = loadConfig({ TENDER_MASTER_KEY: randomBytes(32).toString('base64'), TENDER_LOG_LEVEL: 'silent' });
    const page = new AccountPage(
      untouched('database'),
      config,
      untouched<AccountPaymentSettings>('settings'),
      untouched<TlsClientCertificateAuthenticator>('tls authenticator'),
    );
    const method = new AccountPaymentMethod(untouched('database'), untouched<AccountPaymentSettings>('settings'), page);

    it('declares type, capability and a page part', () => {
      assert.deepEqual(contractProblems(method), []);
      assert.equal(method.type, 'account');
      assert.equal(method.capability, 'account_debit');
      assert.equal(method.page.path, 'account');
    });

    it('parses its input: an optional account number', () => {
      assert.deepEqual(method.input.parse(undefined), { number: undefined });
      assert.deepEqual(method.input.parse({ number: '40817810000000000001' }), { number: '40817810000000000001' });
      const bad = method.input.safeParse({ number: '12' });
      assert.ok(!bad.success);
      assert.deepEqual(bad.error.issues[0]?.path, ['number']);
    });

    it('refuses without a proven payer before reading anything (the merchant API)', async () => {
      const error = await rejection(
        method.instrument(
          { number: undefined },
          { payment, now: clock.now(), payer: undefined, buyerPresent: false, offSession: false, setupFutureUsage: null, verification: false },
        ),
      );
      assert.equal(error.code, 'payment_method_unsupported');
      assert.match(error.message, /\/pay-account\/<token>\/confirm/);
    });

    it('asks for a number and a browser certificate on the page, and explains every refusal in every locale', async () => {
      const request = { payment, tlsClientCertificate: undefined, path: '/pay/x/account' };
      assert.equal((await rejection(page.submission({ account_number: ' ' }, request))).code, 'parameter_missing');
      assert.equal((await rejection(page.submission({ account_number: 'x' }, request))).code, 'parameter_invalid');
      assert.equal((await rejection(page.submission({ account_number: '40817810000000000001' }, request))).code, 'certificate_missing');
      assert.deepEqual(page.refusal(new TenderError('certificate_revoked')), {
        status: 401,
        errors: { account_number: 'm.error.certificate_revoked' },
        code: 'certificate_revoked',
      });
      assert.deepEqual(page.refusal(new TenderError('internal_error')).errors, { account_number: 'm.error.other' });
      for (const locale of ['en', 'ru', 'ar'] as const) {
        const errors = (page.messages[locale] as { error?: Record<string, string> }).error ?? {};
        for (const code of ['certificate_missing', 'certificate_revoked', 'certificate_not_bound', 'account_payments_disabled', 'parameter_missing', 'other'])
          assert.ok(typeof errors[code] === 'string', `${locale}: ${code}`);
      }
      const ctx = page.context({
        ...view,
        state: { values: { account_number: '40817' }, errors: { account_number: 'no' }, code: 'certificate_missing', alert: null },
      });
      assert.deepEqual(ctx.account, {
        form: false,
        action: '/pay/x',
        app_path: `/pay-account/${payment.pageToken}/confirm`,
        number: '40817',
        error: 'no',
        error_code: 'certificate_missing',
      });
    });
  });

  it('a template that shows a value unescaped breaks the contract', () => {
    assert.match(methodPartProblem('<p>{{{part.values.code}}}</p>') ?? '', /raw output/);
    assert.match(methodPartProblem('<p>{{& part.values.code}}</p>') ?? '', /raw output/);
    assert.equal(methodPartProblem('<p>{{part.values.code}}</p>'), undefined);
  });

  it("a page part's style sheet that could close its element or load from elsewhere breaks the contract", () => {
    assert.match(methodStylesProblem('</style><script>alert(1)</script>') ?? '', /contains </);
    assert.match(methodStylesProblem('@IMPORT "x.css";') ?? '', /@import/);
    assert.match(methodStylesProblem('.v { background: URL (x.png) }') ?? '', /url\(\)/);
    assert.match(methodStylesProblem('.v{}'.repeat(6000)) ?? '', /longer than/);
    assert.equal(methodStylesProblem('.voucher-option > h2 { margin: 0; }'), undefined);
  });
});
