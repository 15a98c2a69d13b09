import assert from 'node:assert/strict';
import { assistLimitsSchema, pushAccepted, returnHostAllowed } from '@tender/plugin-assist-compat';

describe('Assist per-merchant limits and the push answer', () => {
  const limits = { currencies: ['RUB'], returnUrlHosts: ['shop.example', '*.pay.example'] };

  it('allows a return URL only on a listed host, exactly or under a wildcard', () => {
    for (const url of ['https://shop.example/ok', 'http://SHOP.example:8443/x?y=1', 'https://a.pay.example/', 'https://a.b.pay.example/'])
      assert.equal(returnHostAllowed(limits, url), true, url);
    for (const url of [
      'https://pay.example/',
      'https://evilpay.example/',
      'https://shop.example.evil.test/',
      'https://shop.example@evil.test/',
      'https://evil.test/?shop.example',
      'not a url',
      'https://shop.example.',
    ]) {
      assert.equal(returnHostAllowed(limits, url), false, url);
    }
    assert.equal(returnHostAllowed({ currencies: ['RUB'], returnUrlHosts: [] }, 'https://shop.example/'), false);
  });

  it('validates the lists: known currencies, host names only', () => {
    assert.deepEqual(assistLimitsSchema.parse({ currencies: ['rub', 'USD'], return_url_hosts: ['Shop.Example', '*.pay.example'] }), {
      currencies: ['RUB', 'USD'],
      return_url_hosts: ['shop.example', '*.pay.example'],
    });
    for (const bad of [
      { currencies: [] },
      { currencies: ['ABC'] },
      { currencies: ['RUB', 'RUB'] },
      { return_url_hosts: ['https://shop.example'] },
      { return_url_hosts: ['*.example'] },
      { return_url_hosts: ['shop.example/x'] },
      { return_url_hosts: ['a..b'] },
      { other: 1 },
    ]) {
      assert.equal(assistLimitsSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('accepts a push answer that is XML with firstcode and secondcode 0, in any order', () => {
    for (const ok of [
      '<pushpaymentresult firstcode="0" secondcode="0"></pushpaymentresult>',
      "<?xml version='1.0'?><pushpaymentresult secondcode='0' firstcode='0'/>",
      '<pushpaymentresult><secondcode>0</secondcode><firstcode>0</firstcode></pushpaymentresult>',
    ])
      assert.equal(pushAccepted(ok), true, ok);
    for (const no of [
      '',
      'OK',
      '<pushpaymentresult firstcode="0"/>',
      '<pushpaymentresult firstcode="0" secondcode="1"/>',
      '<p>pushpaymentresult firstcode="0" secondcode="0"</p>',
      '<pushpaymentresult firstcode="0" secondcode="0">',
      '<!DOCTYPE x [<!ENTITY z "0">]><pushpaymentresult firstcode="&z;" secondcode="&z;"/>',
    ]) {
      assert.equal(pushAccepted(no), false, no);
    }
  });
});
