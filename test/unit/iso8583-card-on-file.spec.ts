import assert from 'node:assert/strict';
import { parseStoredCredentialIndicator, storedCredentialIndicator } from '@tender/adapter-iso8583';
import { checkCardOnFile } from '@tender/adapter-iso8583/dist/simulator/card-on-file-rules';

describe('ISO 8583 card on file (no database)', () => {
  it('writes the stored-credential indicator (SC) for every initiator, sequence and reason, and reads it back', () => {
    assert.equal(storedCredentialIndicator({ initiator: 'cardholder', sequence: 'first' }), 'CF0');
    assert.equal(storedCredentialIndicator({ initiator: 'cardholder', sequence: 'subsequent', originalReference: '123' }), 'CS0');
    assert.equal(storedCredentialIndicator({ initiator: 'merchant', sequence: 'subsequent', reason: 'recurring' }), 'MSR');
    assert.equal(storedCredentialIndicator({ initiator: 'merchant', sequence: 'subsequent', reason: 'unscheduled' }), 'MSU');
    assert.deepEqual(parseStoredCredentialIndicator('MSU'), { initiator: 'merchant', sequence: 'subsequent', reason: 'unscheduled' });
    assert.deepEqual(parseStoredCredentialIndicator('CF0'), { initiator: 'cardholder', sequence: 'first', reason: undefined });
    for (const bad of ['', 'MS', 'XSR', 'MXR', 'MSX', 'MSRR', 'msr']) assert.equal(parseStoredCredentialIndicator(bad), undefined, bad);
  });

  it('has the simulator refuse malformed card-on-file requests with the documented codes', () => {
    const mit = { SC: 'MSR', OR: '123456789012345' };
    assert.deepEqual(checkCardOnFile('0200', 100, '102', '59', mit), {
      ok: true,
      verification: false,
      storedCredential: { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: '123456789012345' },
    });
    assert.deepEqual(checkCardOnFile('0200', 100, '102', '59', { SC: 'MSR' }), { ok: false, code: '30' }, 'no original reference');
    assert.deepEqual(checkCardOnFile('0200', 100, '102', '59', { ...mit, CV: '9' }), { ok: false, code: '30' }, 'a CVV2 indicator on an MIT');
    assert.deepEqual(checkCardOnFile('0200', 100, '102', '59', { ...mit, EC: '05' }), { ok: false, code: '30' }, '3-D Secure data on an MIT');
    assert.deepEqual(
      checkCardOnFile('0200', 100, '812', '59', mit),
      { ok: false, code: '30' },
      'a stored credential used again not sent as credential on file',
    );
    assert.deepEqual(checkCardOnFile('0200', 100, '812', '59', { SC: 'MF0', OR: '1' }), { ok: false, code: '30' }, 'an MIT is never the first use');
    assert.deepEqual(checkCardOnFile('0200', 100, '812', '59', { SC: 'C?0' }), { ok: false, code: '30' });
    assert.deepEqual(checkCardOnFile('0100', 0, '812', '51', { SC: 'CF0', CV: '1737' }), {
      ok: true,
      verification: true,
      storedCredential: { initiator: 'cardholder', sequence: 'first', reason: undefined, originalReference: undefined },
    });
    assert.deepEqual(checkCardOnFile('0100', 5, '812', '51', {}), { ok: false, code: '30' }, 'a verification with an amount');
    assert.deepEqual(checkCardOnFile('0200', 0, '812', '51', {}), { ok: false, code: '30' }, 'a verification as a purchase');
    assert.deepEqual(checkCardOnFile('0100', 0, '812', '59', {}), { ok: false, code: '13' }, 'a zero amount that is not a verification');
  });
});
