import assert from 'node:assert/strict';
import { codePointLength, hostileTextProblem, redactPath } from '@tender/core';

describe('request log paths (no database)', () => {
  const cases: Array<[string, string]> = [
    ['/v1/payments/pay_4fJ2aB9xQ/capture?amount=1', '/v1/payments/pay_4fJ2aB9xQ/capture'],
    ['/pay/zgdl7BJAB0NSdcLGPMwc7wQJ', '/pay/[redacted]'],
    ['/pay/zgdl7BJAB0NSdcLGPMwc7wQJ/3ds', '/pay/[redacted]/3ds'],
    ['/elements/challenge/abcdefghijklmnopqrstuvwxyzabcdef/return', '/elements/challenge/[redacted]/return'],
    ['/elements/field?field=number&key=pk_test_x', '/elements/field'],
    ['/pay/form', '/pay/form'],
    ['/pay/assets/page.css', '/pay/assets/page.css'],
    ['/pay/order.cfm', '/pay/order.cfm'],
    ['/pay/link/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z', '/pay/link/[redacted]'],
    ['/pay-account/Ab3dEf6hIj9kLm2nOp5q/confirm', '/pay-account/[redacted]/confirm'],
    ['/status/pay_4fJ2aB9xQ.Zm9vYmFyYmF6cXV4cXV1eA', '/status/pay_4fJ2aB9xQ.[redacted]'],
    ['/console/password/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z', '/console/password/[redacted]'],
    // A route added later: a token-shaped segment is redacted wherever it is.
    ['/v1/plugins/thing/Q2hlY2tvdXQ6MTIzNDU2Nzg', '/v1/plugins/thing/[redacted]'],
    ['/v1/webhook_endpoints/we_Ab3dEf6hIj9kLm2nOp5qRs8t/rotate_secret', '/v1/webhook_endpoints/we_Ab3dEf6hIj9kLm2nOp5qRs8t/rotate_secret'],
    ['/dashboard/security/signout-everywhere', '/dashboard/security/signout-everywhere'],
  ];
  for (const [url, logged] of cases) it(`${url} is logged as ${logged}`, () => assert.equal(redactPath(url), logged));

  it('cuts a path at 200 characters', () => assert.equal(redactPath(`/x/${'a'.repeat(400)}`).length, 203));
});

describe('hostile text rules (no database)', () => {
  it('refuses NUL and lone surrogates in any kind of text', () => {
    for (const kind of ['any', 'multiline', 'line', 'identifier'] as const) {
      assert.match(hostileTextProblem('a\u0000', kind) ?? '', /NUL/);
      assert.match(hostileTextProblem('a\ud800b', kind) ?? '', /surrogate/);
      assert.match(hostileTextProblem('\udc00', kind) ?? '', /surrogate/);
      assert.equal(hostileTextProblem('tea 🍵', kind), undefined);
    }
  });

  it('keeps line breaks in multi-line text only, bidi marks out of identifiers only', () => {
    assert.equal(hostileTextProblem('a\r\nb\tc', 'multiline'), undefined);
    assert.match(hostileTextProblem('a\nb', 'line') ?? '', /control characters \(U\+000A\)/);
    assert.match(hostileTextProblem('a\u0085', 'multiline') ?? '', /U\+0085/);
    assert.equal(hostileTextProblem('شاي \u200f(1)', 'line'), undefined);
    assert.match(hostileTextProblem('A\u200f1', 'identifier') ?? '', /bidirectional/);
    assert.match(hostileTextProblem('A-1\u202egpj', 'line') ?? '', /U\+202E/);
    assert.match(hostileTextProblem('A\u200b1', 'identifier') ?? '', /invisible/);
  });

  it('counts code points', () => {
    assert.equal(codePointLength('🍵🍵a'), 3);
    assert.equal(codePointLength('\ud800a'), 2);
  });
});
