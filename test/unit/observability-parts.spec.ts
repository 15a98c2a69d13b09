import assert from 'node:assert/strict';
import { labelValue } from '@tender/core/dist/observability/metrics';
import { runReadiness } from '@tender/core/dist/observability/readiness';
import { createLogger } from '@tender/core/dist/logging/logger';

const silent = createLogger('silent');

describe('observability parts', () => {
  it('labelValue keeps plain code-made values and turns anything else into other', () => {
    for (const ok of ['/v1/payments/:id/confirm', 'bcn_1a2B3c', 'sandbox', 'complete_authorization', '(unmatched)', 'tender-plugin-x: 001-y']) {
      assert.equal(labelValue(ok), ok.includes(' ') ? 'other' : ok);
    }
    for (const bad of ['4111111111111111', 'pay 4111 1111', '<script>', 'a"b', 'x'.repeat(101), 'line\nbreak', 'ünïcode', 'order-411111111111']) {
      assert.equal(labelValue(bad), 'other', bad);
    }
    assert.equal(labelValue(undefined), 'none');
    assert.equal(labelValue(''), 'none');
  });

  it('runReadiness reports a throwing check without its error, and a hanging one as failed', async function () {
    this.timeout(10_000);
    const report = await runReadiness(
      [
        { name: 'fine', check: () => ({ ready: true }) },
        { name: 'throws', check: () => Promise.reject(new Error('mysql://root:secret@db.internal refused')) },
        { name: 'hangs', check: () => new Promise(() => undefined) },
        { name: 'says_why', check: () => ({ ready: false, reason: 'x'.repeat(500) }) },
      ],
      silent,
    );
    assert.equal(report.status, 'not_ready');
    const by = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    assert.equal(by.fine?.status, 'ok');
    assert.equal(by.throws?.status, 'failed');
    assert.ok(!JSON.stringify(report).includes('secret'), 'an error text reached the report');
    assert.equal(by.hangs?.status, 'failed');
    assert.match(String(by.hangs?.reason), /no answer within/);
    assert.equal(by.says_why?.reason?.length, 200);
    assert.deepEqual((await runReadiness([{ name: 'fine', check: () => ({ ready: true }) }], silent)).status, 'ready');
  });
});
