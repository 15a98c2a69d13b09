import assert from 'node:assert/strict';
import { AddressScope, classifyAddress } from '@tender/core';

/**
 * Addresses as a resolver or a socket hands them over, and the scope the outbound
 * guard gives each: `public` (any request), `private` (test mode with private targets
 * allowed), `forbidden` (never). Embedded IPv4 addresses are unwrapped and classified.
 */
const ADDRESSES: ReadonlyArray<readonly [string, AddressScope, string]> = [
  // IPv4
  ['93.184.216.34', 'public', 'unicast'],
  ['8.8.8.8', 'public', 'unicast'],
  ['1.1.1.1', 'public', 'unicast'],
  ['127.0.0.1', 'private', 'loopback'],
  ['127.255.255.254', 'private', 'loopback'],
  ['10.0.0.1', 'private', 'private'],
  ['172.16.0.1', 'private', 'private'],
  ['172.31.255.255', 'private', 'private'],
  ['172.32.0.1', 'public', 'unicast'],
  ['192.168.0.1', 'private', 'private'],
  ['100.64.0.1', 'private', 'carrierGradeNat'],
  ['100.127.255.254', 'private', 'carrierGradeNat'],
  ['100.128.0.1', 'public', 'unicast'],
  ['169.254.169.254', 'forbidden', 'linkLocal'],
  ['169.254.170.2', 'forbidden', 'linkLocal'],
  ['100.100.100.200', 'forbidden', 'cloudMetadata'],
  ['168.63.129.16', 'forbidden', 'cloudMetadata'],
  ['0.0.0.0', 'forbidden', 'unspecified'],
  ['0.255.255.255', 'forbidden', 'unspecified'],
  ['255.255.255.255', 'forbidden', 'broadcast'],
  ['224.0.0.251', 'forbidden', 'multicast'],
  ['239.255.255.250', 'forbidden', 'multicast'],
  ['240.0.0.1', 'forbidden', 'reserved'],
  ['192.0.0.8', 'forbidden', 'reserved'],
  ['192.0.2.1', 'forbidden', 'reserved'],
  ['198.51.100.1', 'forbidden', 'reserved'],
  ['203.0.113.1', 'forbidden', 'reserved'],
  ['198.18.0.1', 'forbidden', 'reserved'],
  ['198.19.255.255', 'forbidden', 'reserved'],
  ['192.88.99.1', 'forbidden', 'reserved'],
  ['192.31.196.1', 'forbidden', 'as112'],
  ['192.175.48.1', 'forbidden', 'as112'],
  ['192.52.193.1', 'forbidden', 'amt'],
  // IPv6
  ['2606:4700:4700::1111', 'public', 'unicast'],
  ['2a00:1450:4001::200e', 'public', 'unicast'],
  ['::1', 'private', 'loopback'],
  ['[::1]', 'private', 'loopback'],
  ['::', 'forbidden', 'unspecified'],
  ['fe80::1', 'forbidden', 'linkLocal'],
  ['fe80::1%eth0', 'forbidden', 'linkLocal'],
  ['fc00::1', 'private', 'uniqueLocal'],
  ['fd12:3456::1', 'private', 'uniqueLocal'],
  ['fd00:ec2::254', 'forbidden', 'cloudMetadata'],
  ['fd20:ce::254', 'forbidden', 'cloudMetadata'],
  ['ff02::1', 'forbidden', 'multicast'],
  ['fec0::1', 'forbidden', 'deprecatedSiteLocal'],
  ['100::1', 'forbidden', 'discard'],
  ['2001:db8::1', 'forbidden', 'reserved'],
  ['3fff::1', 'forbidden', 'reserved'],
  ['2001:2::1', 'forbidden', 'benchmarking'],
  ['2001:3::1', 'forbidden', 'amt'],
  ['2001:4:112::1', 'forbidden', 'as112v6'],
  ['2001:10::1', 'forbidden', 'deprecatedOrchid'],
  ['2001:20::1', 'forbidden', 'orchid2'],
  ['5f00::1', 'forbidden', 'segmentRouting'],
  ['1::1', 'forbidden', 'notGlobalUnicast'],
  ['100:0:0:1::1', 'forbidden', 'notGlobalUnicast'],
  // IPv6 carrying IPv4
  ['::ffff:127.0.0.1', 'private', 'ipv4Mapped'],
  ['::ffff:7f00:1', 'private', 'ipv4Mapped'],
  ['::ffff:169.254.169.254', 'forbidden', 'ipv4Mapped'],
  ['::ffff:10.1.2.3', 'private', 'ipv4Mapped'],
  ['::ffff:93.184.216.34', 'public', 'ipv4Mapped'],
  ['::127.0.0.1', 'forbidden', 'ipv4Compatible'],
  ['::93.184.216.34', 'forbidden', 'ipv4Compatible'],
  ['::ffff:0:127.0.0.1', 'forbidden', 'rfc6145'],
  ['64:ff9b::127.0.0.1', 'forbidden', 'rfc6052'],
  ['64:ff9b::a9fe:a9fe', 'forbidden', 'rfc6052'],
  ['64:ff9b::5db8:d822', 'public', 'rfc6052'],
  ['64:ff9b:1::7f00:1', 'private', 'nat64Local'],
  ['64:ff9b:1::5db8:d822', 'private', 'nat64Local'],
  ['2002:7f00:1::', 'forbidden', '6to4'],
  ['2002:5db8:d822::1', 'forbidden', '6to4'],
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'forbidden', 'teredo'],
];

const EMBEDDED: ReadonlyArray<readonly [string, string, string]> = [
  ['::ffff:127.0.0.1', 'ipv4-mapped', '127.0.0.1'],
  ['::127.0.0.1', 'ipv4-compatible', '127.0.0.1'],
  ['::ffff:0:127.0.0.1', 'ipv4-translated', '127.0.0.1'],
  ['64:ff9b::a9fe:a9fe', 'nat64', '169.254.169.254'],
  ['64:ff9b:1::7f00:1', 'nat64-local', '127.0.0.1'],
  ['2002:a9fe:a9fe::1', '6to4', '169.254.169.254'],
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo', '127.0.0.1'],
];

describe('security: outbound address classification (ipaddr.js ranges, unwrapped IPv4)', () => {
  it(`classifies ${ADDRESSES.length} addresses`, () => {
    assert.ok(ADDRESSES.length >= 60);
    const wrong: string[] = [];
    for (const [address, scope, range] of ADDRESSES) {
      const c = classifyAddress(address);
      if (c === undefined || c.scope !== scope || c.range !== range)
        wrong.push(`${address}: expected ${scope}/${range}, got ${c === undefined ? 'not an address' : `${c.scope}/${c.range}`}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('unwraps every IPv6 form that carries an IPv4 address', () => {
    for (const [address, form, inner] of EMBEDDED) {
      const c = classifyAddress(address);
      assert.equal(c?.embedded?.form, form, address);
      assert.equal(c?.embedded?.address, inner, address);
    }
  });

  it('is not fooled by host names or non-canonical IPv4 (those go through the resolver, whose answers are checked)', () => {
    for (const name of ['localhost', 'shop.example', '0x7f.1', '2130706433', '127.1', '']) assert.equal(classifyAddress(name), undefined, name);
  });
});
