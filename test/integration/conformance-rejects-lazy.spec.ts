import assert from 'node:assert/strict';
import { ConformanceTestApi, runBankAdapterConformance } from '@tender/core';
import { LazyBankAdapter } from '../support/lazy-bank-adapter';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { BankAdapter } from '@tender/core';

/** Runs the conformance suite outside mocha and reports which checks failed. */
async function failedChecks(adapter: BankAdapter): Promise<string[]> {
  const checks: Array<{ title: string; fn: () => Promise<void> }> = [];
  const befores: Array<() => Promise<void>> = [];
  const afters: Array<() => Promise<void>> = [];
  const api: ConformanceTestApi = {
    describe: (_title, fn) => fn(),
    it: (title, fn) => checks.push({ title, fn }),
    before: (fn) => befores.push(fn),
    after: (fn) => afters.push(fn),
  };
  runBankAdapterConformance(api, {
    name: adapter.code,
    create: async () => ({ adapter, connection: { bankMerchantId: undefined, terminalId: undefined }, currency: 'RUB', account: '40817810000000000002' }),
  });
  for (const fn of befores) await fn();
  const failed: string[] = [];
  for (const check of checks) {
    try {
      await check.fn();
    } catch {
      failed.push(check.title);
    }
  }
  for (const fn of afters) await fn();
  return failed;
}

// Issue 19 item 9: an adapter whose retries are not idempotent and whose inquiry finds nothing must fail the suite.
describe('the conformance suite rejects a lazy adapter', () => {
  it('fails the lazy adapter on retried follow-ups and on inquiries, and passes the sandbox', async () => {
    const failed = await failedChecks(new LazyBankAdapter());
    const expected = [
      /captures part of an authorization once/,
      /voids an uncaptured authorization, the same way when retried/,
      /refunds a purchase in cumulative parts/,
      /settles it by inquiry/,
      /finds by inquiry every operation it answered/,
    ];
    for (const pattern of expected)
      assert.ok(
        failed.some((t) => pattern.test(t)),
        `expected a failure matching ${pattern}; failed: ${JSON.stringify(failed)}`,
      );
    assert.deepEqual(await failedChecks(new SandboxBankAdapter()), [], 'the sandbox passes the same suite run the same way');
  });
});
