import assert from 'node:assert/strict';
import os from 'node:os';
import { loadConfig } from '@tender/core';
import { GatewaySelf } from '@tender/core/dist/outbound/gateway-self';

/**
 * With a wildcard listener (the default `HOST=0.0.0.0`), every address of this
 * machine reaches the gateway, so an outbound request to any of them is refused. The
 * interface list is read at most once a minute (reading it cost about 60 µs per
 * address checked, on every request where private targets are not allowed): these tests replace
 * `os.networkInterfaces` with a fixed list, count the reads, and move `Date.now`
 * past the minute. Nothing is sent over the network.
 */
describe('security: the gateway refuses its own interface addresses, read once a minute', () => {
  const realInterfaces = os.networkInterfaces;
  const realNow = Date.now;
  let addresses: string[];
  let reads: number;

  beforeEach(() => {
    addresses = ['198.51.100.7', '2001:db8::7'];
    reads = 0;
    os.networkInterfaces = () => {
      reads++;
      return {
        eth0: addresses.map((address) => ({
          address,
          netmask: address.includes(':') ? 'ffff:ffff:ffff:ffff::' : '255.255.255.0',
          family: address.includes(':') ? ('IPv6' as const) : ('IPv4' as const),
          mac: '02:00:00:00:00:07',
          internal: false,
          cidr: null,
          ...(address.includes(':') ? { scopeid: 0 } : {}),
        })) as os.NetworkInterfaceInfo[],
      };
    };
  });
  afterEach(() => {
    os.networkInterfaces = realInterfaces;
    Date.now = realNow;
  });

  function self(): GatewaySelf {
    // The public host resolves to a documentation address unlike the interfaces'.
    return new GatewaySelf(loadConfig({ HOST: '0.0.0.0', PORT: '8080', TENDER_PUBLIC_URL: 'https://pay.example.com' }), () =>
      Promise.resolve([{ address: '203.0.113.9', family: 4 }]),
    );
  }

  it('refuses every interface address (IPv4, IPv6, IPv4-mapped) on any port, and allows others', async () => {
    const s = self();
    assert.equal(await s.isGateway('198.51.100.7', 443, true), true);
    assert.equal(await s.isGateway('::ffff:198.51.100.7', 443, true), true);
    assert.equal(await s.isGateway('2001:db8::7', 443, true), true);
    assert.equal(await s.isGateway('127.0.0.1', 443, true), true, 'loopback is local without the list');
    assert.equal(await s.isGateway('93.184.216.34', 443, true), false);
    assert.equal(await s.isGateway('198.51.100.8', 443, true), false);
  });

  it('reads the interface list once for many checks', async () => {
    const s = self();
    for (let i = 0; i < 100; i++) await s.isGateway('93.184.216.34', 443, true);
    assert.equal(reads, 1);
  });

  it('sees an address added to an interface once the minute has passed', async () => {
    const s = self();
    assert.equal(await s.isGateway('198.51.100.99', 443, true), false);
    addresses.push('198.51.100.99');
    const start = realNow();
    Date.now = () => start + 30_000;
    assert.equal(await s.isGateway('198.51.100.99', 443, true), false, 'within the minute the list read before is used');
    Date.now = () => start + 61_000;
    assert.equal(await s.isGateway('198.51.100.99', 443, true), true);
    assert.equal(reads, 2);
  });
});
