import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { ASSIST } from '../support/assist-shop';

const PRIVATE = 'webhook_url_private_address';
const UNRESOLVABLE = 'webhook_url_unresolvable';
const SCHEME = 'webhook_url_scheme_unsupported';
const INVALID = 'parameter_invalid';

/**
 * Every URL a merchant (or the operator, for Assist) can hand the gateway to call,
 * with what registration must answer when private addresses are not allowed: the
 * error code (one of several where the outcome depends on the machine's resolver),
 * or 'accepted'. Only public addresses are accepted; none is ever called here (no
 * dispatcher runs in this file).
 */
export const URL_TABLE: ReadonlyArray<readonly [string, string | readonly string[], string]> = [
  // IPv4 special-purpose ranges (IANA registry)
  ['http://127.0.0.1/hooks', PRIVATE, 'loopback'],
  ['http://127.255.255.254/hooks', PRIVATE, 'loopback, top of 127/8'],
  ['http://10.0.0.1/hooks', PRIVATE, 'RFC 1918 10/8'],
  ['http://172.16.0.1/hooks', PRIVATE, 'RFC 1918 172.16/12'],
  ['http://172.31.255.255/hooks', PRIVATE, 'RFC 1918 172.16/12, top'],
  ['http://192.168.1.1/hooks', PRIVATE, 'RFC 1918 192.168/16'],
  ['http://169.254.169.254/latest/meta-data/', PRIVATE, 'link-local: cloud metadata'],
  ['http://169.254.170.2/v2/credentials', PRIVATE, 'link-local: container credentials'],
  ['http://100.64.0.1/hooks', PRIVATE, 'carrier-grade NAT'],
  ['http://100.100.100.200/latest/meta-data/', PRIVATE, 'carrier-grade NAT: a cloud metadata service'],
  ['http://0.0.0.0/hooks', PRIVATE, 'unspecified'],
  ['http://0.1.2.3/hooks', PRIVATE, '"this network" 0/8'],
  ['http://224.0.0.1/hooks', PRIVATE, 'multicast'],
  ['http://239.255.255.250/hooks', PRIVATE, 'multicast (SSDP)'],
  ['http://255.255.255.255/hooks', PRIVATE, 'limited broadcast'],
  ['http://240.0.0.1/hooks', PRIVATE, 'reserved 240/4'],
  ['http://192.0.0.8/hooks', PRIVATE, 'IETF protocol assignments'],
  ['http://192.0.2.1/hooks', PRIVATE, 'documentation TEST-NET-1'],
  ['http://198.51.100.7/hooks', PRIVATE, 'documentation TEST-NET-2'],
  ['http://203.0.113.9/hooks', PRIVATE, 'documentation TEST-NET-3'],
  ['http://198.18.0.1/hooks', PRIVATE, 'benchmarking'],
  ['http://192.88.99.1/hooks', PRIVATE, '6to4 relay anycast'],
  ['http://192.31.196.1/hooks', PRIVATE, 'AS112'],
  ['http://192.175.48.1/hooks', PRIVATE, 'AS112'],
  ['http://192.52.193.1/hooks', PRIVATE, 'AMT relay anycast'],
  ['http://168.63.129.16/machine', PRIVATE, 'a cloud platform endpoint on a public address'],
  // IPv4 literals written otherwise (the URL parser normalises them to 127.0.0.1)
  ['http://2130706433/hooks', PRIVATE, 'decimal'],
  ['http://0x7f000001/hooks', PRIVATE, 'hexadecimal'],
  ['http://017700000001/hooks', PRIVATE, 'octal'],
  ['http://0177.0.0.1/hooks', PRIVATE, 'octal first part'],
  ['http://0x7f.0.0.1/hooks', PRIVATE, 'hexadecimal first part'],
  ['http://127.1/hooks', PRIVATE, 'two-part short form'],
  ['http://127.000.000.001/hooks', PRIVATE, 'zero-padded'],
  ['http://127.0.0.1./hooks', PRIVATE, 'trailing dot'],
  ['http://%31%32%37.0.0.1/hooks', PRIVATE, 'percent-encoded'],
  ['http://0/hooks', PRIVATE, 'a lone zero'],
  ['http://①②⑦.⓪.⓪.①/hooks', PRIVATE, 'IDN: circled digits'],
  ['http://１２７.０.０.１/hooks', PRIVATE, 'IDN: full-width digits'],
  // IPv6
  ['http://[::1]/hooks', PRIVATE, 'loopback'],
  ['http://[0:0:0:0:0:0:0:1]/hooks', PRIVATE, 'loopback, uncompressed'],
  ['http://[::]/hooks', PRIVATE, 'unspecified'],
  ['http://[fe80::1]/hooks', PRIVATE, 'link-local'],
  ['http://[fc00::1]/hooks', PRIVATE, 'unique local'],
  ['http://[fd00:ec2::254]/latest/meta-data/', PRIVATE, 'unique local: a cloud metadata service'],
  ['http://[ff02::1]/hooks', PRIVATE, 'multicast'],
  ['http://[fec0::1]/hooks', PRIVATE, 'deprecated site-local'],
  ['http://[100::1]/hooks', PRIVATE, 'discard-only'],
  ['http://[2001:db8::1]/hooks', PRIVATE, 'documentation'],
  ['http://[3fff::1]/hooks', PRIVATE, 'documentation (RFC 9637)'],
  ['http://[2001:2::1]/hooks', PRIVATE, 'benchmarking'],
  ['http://[5f00::1]/hooks', PRIVATE, 'segment routing SIDs'],
  ['http://[2001:10::1]/hooks', PRIVATE, 'deprecated ORCHID'],
  // IPv6 forms that carry an IPv4 address
  ['http://[::ffff:127.0.0.1]/hooks', PRIVATE, 'IPv4-mapped loopback'],
  ['http://[0:0:0:0:0:ffff:7f00:1]/hooks', PRIVATE, 'IPv4-mapped loopback, hexadecimal'],
  ['http://[::ffff:169.254.169.254]/hooks', PRIVATE, 'IPv4-mapped metadata'],
  ['http://[::ffff:10.0.0.1]/hooks', PRIVATE, 'IPv4-mapped private'],
  ['http://[::127.0.0.1]/hooks', PRIVATE, 'IPv4-compatible loopback'],
  ['http://[::169.254.169.254]/hooks', PRIVATE, 'IPv4-compatible metadata'],
  ['http://[::ffff:0:127.0.0.1]/hooks', PRIVATE, 'IPv4-translated loopback'],
  ['http://[64:ff9b::127.0.0.1]/hooks', PRIVATE, 'NAT64 well-known prefix, loopback'],
  ['http://[64:ff9b::a9fe:a9fe]/hooks', PRIVATE, 'NAT64 well-known prefix, metadata'],
  ['http://[64:ff9b:1::7f00:1]/hooks', PRIVATE, 'NAT64 local-use prefix'],
  ['http://[64:ff9b:1::5db8:d822]/hooks', PRIVATE, 'NAT64 local-use prefix, even with a public address'],
  ['http://[2002:7f00:1::]/hooks', PRIVATE, '6to4 of loopback'],
  ['http://[2002:a9fe:a9fe::1]/hooks', PRIVATE, '6to4 of metadata'],
  ['http://[2002:5db8:d822::1]/hooks', PRIVATE, '6to4 of a public address (relays are deprecated)'],
  ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hooks', PRIVATE, 'Teredo, client 127.0.0.1'],
  // Names
  ['http://localhost/hooks', PRIVATE, 'localhost'],
  ['http://LOCALHOST:8080/hooks', PRIVATE, 'localhost in capitals'],
  ['http://localhost./hooks', [PRIVATE, UNRESOLVABLE], 'localhost with a trailing dot'],
  ['http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/hooks', PRIVATE, 'IDN that maps to localhost'],
  ['http://shop.localhost/hooks', [PRIVATE, UNRESOLVABLE], 'a .localhost name (RFC 6761)'],
  ['http://metadata.google.internal/computeMetadata/v1/', [PRIVATE, UNRESOLVABLE], 'cloud metadata by name'],
  ['https://no-such-host.invalid/hooks', UNRESOLVABLE, 'a name that does not resolve'],
  // Userinfo and delimiter tricks
  ['http://93.184.216.34@127.0.0.1/hooks', [INVALID, PRIVATE], 'userinfo that looks like a host'],
  ['http://user:pass@93.184.216.34/hooks', INVALID, 'credentials'],
  ['http://127.0.0.1#@93.184.216.34/hooks', PRIVATE, 'fragment before @'],
  ['http://127.0.0.1\\@93.184.216.34/hooks', PRIVATE, 'backslash before @'],
  ['http://127.0.0.1:80/hooks', PRIVATE, 'explicit default port'],
  // Schemes
  ['gopher://93.184.216.34:70/_hooks', SCHEME, 'gopher'],
  ['file:///etc/passwd', SCHEME, 'file'],
  ['ftp://93.184.216.34/hooks', SCHEME, 'ftp'],
  ['not a url', INVALID, 'not a URL'],
  // Public addresses
  ['https://93.184.216.34/hooks', 'accepted', 'public IPv4'],
  ['https://1.1.1.1/hooks', 'accepted', 'public IPv4'],
  ['http://8.8.8.8:8080/hooks', 'accepted', 'public IPv4 with a port'],
  ['https://[2606:4700:4700::1111]/hooks', 'accepted', 'public IPv6'],
  ['https://[2a00:1450:4001::200e]/hooks', 'accepted', 'public IPv6'],
  ['https://[::ffff:93.184.216.34]/hooks', 'accepted', 'IPv4-mapped public address'],
  ['https://[64:ff9b::5db8:d822]/hooks', 'accepted', 'NAT64 well-known prefix, public address'],
];

/**
 * The address table through every place that stores a URL the gateway will call,
 * on a gateway where private addresses are not allowed.
 */
describe('security: outbound URL table (webhook endpoints, Assist result_url)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, createAssistPlugin()] });
    const m = await t.createMerchant('Address table');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(async () => t.close());

  it(`has at least 60 addresses`, () => {
    assert.ok(URL_TABLE.length >= 60, `${URL_TABLE.length}`);
  });

  it('webhook endpoints: refuses every private, reserved or tricky URL and accepts public ones', async () => {
    const wrong: string[] = [];
    for (const [url, expected, why] of URL_TABLE) {
      const before = await endpoints();
      const res = await shop.post('/v1/webhook_endpoints', { url, events: ['*'] });
      const got = res.status === 201 ? 'accepted' : String(res.body.error?.code);
      const allowed = typeof expected === 'string' ? [expected] : expected;
      if (!allowed.includes(got)) wrong.push(`${url} (${why}): expected ${allowed.join(' or ')}, got ${got}`);
      if (got !== 'accepted' && (await endpoints()) !== before) wrong.push(`${url}: refused but a row was written`);
    }
    assert.equal(wrong.length, 0, `${wrong.length} of ${URL_TABLE.length} wrong:\n${wrong.join('\n')}`);
  });

  it('Assist result_url: the same rules when the operator sets it', async () => {
    const wrong: string[] = [];
    for (const [url, expected, why] of URL_TABLE) {
      const res = await request(t.gateway.app)
        .put(`/admin/v1/merchants/${merchantId}/assist`)
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ assist_merchant_id: Number(ASSIST.merchantId), salt: ASSIST.salt, login: ASSIST.login, password: ASSIST.password, result_url: url });
      const accepted = res.status === 200;
      if (accepted !== (expected === 'accepted'))
        wrong.push(`${url} (${why}): expected ${expected === 'accepted' ? 'accepted' : 'refused'}, got ${res.status} ${res.body.error?.code ?? ''}`);
      if (!accepted && res.body.error?.param !== 'result_url') wrong.push(`${url}: refused without param result_url`);
      if (!accepted) {
        const stored = await t.gateway.db('assist_merchants').where({ merchant_id: merchantId }).first();
        if (stored !== undefined && stored.result_url === url) wrong.push(`${url}: refused but stored`);
      }
    }
    assert.equal(wrong.length, 0, `${wrong.length} of ${URL_TABLE.length} wrong:\n${wrong.join('\n')}`);
  });

  async function endpoints(): Promise<number> {
    return Number((await t.gateway.db('webhook_endpoints').count({ n: '*' }))[0]?.n);
  }
});
